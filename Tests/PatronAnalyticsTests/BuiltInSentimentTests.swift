import PatronAnalytics
import Testing

/// The model Patron ships reads plain customer reviews it was not trained on (its corpus is book, hotel and
/// computer reviews; these are about food, delivery and service), in both scripts and both languages.
@Suite("Built-in sentiment model")
struct BuiltInSentimentTests {
    static let positive = [
        "送餐很快，味道很好", "还不错", "虽然有点贵，但是很好吃", "服務很好，下次還來", "送餐员态度很好👍", "包装很好，没有洒",
        "非常非常好吃", "the food was great", "not bad at all",
    ]
    static let negative = [
        "太难吃了，再也不点了", "虽然便宜，但是太难吃了", "等了一个半小时才送到！！！", "差评😡", "有点咸", "没有想象中好吃",
    ]

    @Test("clear praise reads positive", arguments: positive)
    func praise(_ text: String) {
        let sentiment = SentimentModel.builtIn.classify(text)
        #expect(sentiment.label == .positive)
        #expect(!sentiment.drivers.isEmpty)
    }

    @Test("clear complaints read negative", arguments: negative)
    func complaint(_ text: String) {
        let sentiment = SentimentModel.builtIn.classify(text)
        #expect(sentiment.label == .negative)
        #expect(!sentiment.drivers.isEmpty)
    }

    @Test("the contrast decides: the same two clauses in the other order read the other way")
    func contrast() {
        let model = SentimentModel.builtIn
        #expect(model.classify("虽然有点贵，但是很好吃").score > model.classify("虽然很好吃，但是有点贵").score)
    }

    @Test("it says what it was trained on")
    func provenance() throws {
        let training = try #require(SentimentModel.builtIn.training)
        #expect(training.positive > 10_000 && training.negative > 10_000)
        #expect(training.converged)
    }
}
