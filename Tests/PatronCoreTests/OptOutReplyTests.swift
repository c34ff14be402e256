import PatronCore
import Testing

/// Which SMS replies withdraw marketing consent: the opt-out word alone, whatever its case or the punctuation
/// and spaces around it; never a sentence that merely contains one.
@Suite struct OptOutReplyTests {
    @Test(arguments: ["R", "r", " R ", "R。", "TD", "td!", "T", "退订", "【退订】", "STOP", "Unsubscribe"])
    func anOptOutWordAloneWithdraws(text: String) {
        #expect(OptOutReply.isOptOut(text))
    }

    @Test(arguments: ["", "。", "RR", "R TD", "不要R", "请问R是什么", "stop sending me offers", "Thanks", "TDD"])
    func anythingElseIsAConversation(text: String) {
        #expect(!OptOutReply.isOptOut(text))
    }
}
