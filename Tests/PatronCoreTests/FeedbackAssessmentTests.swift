import PatronCore
import Testing

/// Urgent terms are found as a reader would find them, and severity follows the rating, the score and the text.
@Suite struct FeedbackAssessmentTests {
    let terms = UrgentTerms.standard

    @Test func latinTermsMatchWholeWordsAndChineseTermsAnywhere() {
        #expect(terms.topics(in: "I will SUE you") == ["legal"])
        #expect(terms.topics(in: "There is an issue with my points").isEmpty, "sue inside issue")
        #expect(terms.topics(in: "Hospitality was lovely").isEmpty, "hospital inside hospitality")
        #expect(terms.topics(in: "We ended up in hospital.") == ["injury"])
        #expect(terms.topics(in: "吃完就拉肚子了") == ["food_safety"])
        #expect(terms.topics(in: "已经打12315投诉") == ["legal"])
        #expect(terms.topics(in: "订单号123156").isEmpty, "a number inside a longer number")
        #expect(terms.topics(in: "盗刷了我的卡，还被烫伤") == ["injury", "fraud"], "each topic once, in list order")
        let own = UrgentTerms(topics: [.init(topic: "hygiene", terms: ["Dirty Toilet", "厕所脏"])])
        #expect(own.topics(in: "the dirty toilet again") == ["hygiene"])
        #expect(own.topics(in: "dirty toilets").isEmpty, "a whole-word term does not match a longer word")
    }

    @Test func severityFollowsTheWorseOfRatingAndScoreUnlessATermIsUrgent() {
        func severity(rating: Int? = nil, score: Int? = nil, text: String? = nil) -> FeedbackSeverity {
            let feedback = FeedbackSubmission(
                feedbackID: "f", channel: .app, rating: rating, score: score, text: text,
                submittedAt: Timestamp(millisecondsSinceEpoch: 0))
            return FeedbackAssessment.assess(feedback, urgentTerms: terms).severity
        }
        #expect([1, 2, 3, 4, 5].map { severity(rating: $0) } == [.high, .high, .normal, .low, .low])
        #expect(
            (0...10).map { severity(score: $0) } == Array(repeating: .high, count: 7) + [.normal, .normal, .low, .low])
        #expect(severity(rating: 5, score: 3) == .high)
        #expect(severity(text: "fine") == .normal)
        #expect(severity() == .low, "an effort answer without a comment says nothing to act on")
        #expect(severity(rating: 5, text: "lovely, though a lawyer friend says the sign is wrong") == .urgent)
    }
}

extension FeedbackAssessmentTests {
    @Test func withoutRatingOrScoreTheTextsSentimentDecidesAndARatingOutranksIt() {
        func severity(rating: Int? = nil, text: String?, _ label: FeedbackSentiment.Label?) -> FeedbackSeverity {
            let feedback = FeedbackSubmission(
                feedbackID: "f", channel: .social, rating: rating, text: text,
                submittedAt: Timestamp(millisecondsSinceEpoch: 0))
            let sentiment = label.map { FeedbackSentiment(label: $0, score: $0 == .negative ? -0.8 : 0.5) }
            return FeedbackAssessment.assess(feedback, urgentTerms: terms, sentiment: sentiment).severity
        }
        #expect(severity(text: "太慢了，菜都凉了", .negative) == .high)
        #expect(severity(text: "很好吃", .positive) == .low)
        #expect(severity(text: "下午三点到", .neutral) == .normal)
        #expect(severity(text: "text without a model", nil) == .normal)
        #expect(severity(rating: 5, text: "太慢了", .negative) == .low, "the customer's own stars are trusted")
        #expect(severity(rating: 1, text: "很好吃", .positive) == .high)
        #expect(severity(text: "吃完就拉肚子了", .negative) == .urgent)
    }
}
