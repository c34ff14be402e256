import Foundation
import PatronAnalytics
import Testing

/// The rules around the weights — negation, degree, contrast, normalisation — checked on a small model whose
/// weights are known, so each rule's effect is visible in the score.
@Suite("Sentiment model")
struct SentimentModelTests {
    let model = SentimentModel(
        name: "test", bias: 0, neutralBand: 0.2,
        weights: [
            "好": 1, "¬好": -1, "满意": 1.2, "¬满意": -1.2, "差": -1.5, "慢": -1, "good": 1, "¬good": -0.8, "bad": -1.2,
            "¬bad": 0.6, "slow": -1, "😊": 1,
        ])

    @Test("positive, negative and neutral by the sign and size of the score")
    func labels() {
        #expect(model.classify("味道好").label == .positive)
        #expect(model.classify("味道差").label == .negative)
        #expect(model.classify("今天下午三点").label == .neutral)
        #expect(model.classify("").score == 0)
        #expect(model.classify("味道好").score > 0.4)
    }

    @Test("negation turns the words after it around, to the end of the clause")
    func negation() {
        #expect(model.classify("不好").label == .negative)
        #expect(model.classify("不太满意").label == .negative)
        #expect(model.classify("没有不满意").label == .positive)
        #expect(model.classify("not good").label == .negative)
        #expect(model.classify("not bad").label == .positive)
        #expect(model.classify("doesn't taste good").label == .negative)
        // The clause ends at the comma: 好 after it is not negated.
        #expect(model.classify("不贵，好").label == .positive)
    }

    @Test("words that look like negations but are not")
    func notNegations() {
        // 非常 is "very", not 非 + 常; 不仅 is "not only".
        #expect(model.classify("非常好").label == .positive)
        #expect(model.classify("不仅好").label == .positive)
    }

    @Test("degree words strengthen or weaken the rest of the clause")
    func degree() {
        let plain = model.classify("好").score
        #expect(model.classify("非常好").score > plain)
        #expect(model.classify("有点好").score < plain)
        #expect(model.classify("very good").score > model.classify("good").score)
        #expect(model.classify("slightly slow").score > model.classify("slow").score)
    }

    @Test("after a contrast the second part counts more")
    func contrast() {
        #expect(model.classify("好，但是慢").label == .negative)
        #expect(model.classify("虽然慢，好").label == .positive)
        #expect(model.classify("good but slow").label == .negative)
        #expect(model.classify("slow but good").label == .positive)
    }

    @Test("Traditional characters, full-width letters, emoji and repeated punctuation read like their plain forms")
    func normalisation() {
        let weighted = SentimentModel(name: "t", bias: 0, neutralBand: 0.2, weights: ["满意": 1, "发货": 1])
        #expect(weighted.classify("滿意").score == weighted.classify("满意").score)
        #expect(weighted.classify("發貨").score == weighted.classify("发货").score)
        #expect(model.classify("ＧＯＯＤ").score == model.classify("good").score)
        #expect(model.classify("GOOD!!!!!").score == model.classify("good!").score)
        #expect(model.classify("😊😊").label == .positive)
    }

    @Test("the drivers are the phrases that weighed most toward the label, negation included")
    func drivers() {
        #expect(model.classify("不太满意，慢").drivers == ["不太满意", "慢"])
        #expect(model.classify("服务好，味道差差差").drivers == ["差"])
        #expect(model.classify("not good at all").drivers == ["not good"])
        #expect(model.classify("好").drivers == ["好"])
    }

    @Test("a model file round-trips and refuses other formats")
    func coding() throws {
        let data = try JSONEncoder().encode(model)
        let decoded = try JSONDecoder().decode(SentimentModel.self, from: data)
        #expect(decoded.weights == model.weights)
        for text in ["不太满意", "good but slow", "😊"] {
            #expect(decoded.classify(text) == model.classify(text))
        }
        let other = Data(#"{"format":"other","version":1,"name":"x","bias":0,"neutral_band":0.2,"weights":{}}"#.utf8)
        #expect(throws: DecodingError.self) { try JSONDecoder().decode(SentimentModel.self, from: other) }
        let huge = Data(
            #"{"format":"patron-sentiment-model","version":1,"name":"x","bias":0,"neutral_band":0.2,"weights":{"好":1e308}}"#
                .utf8)
        #expect(throws: DecodingError.self, "a weight beyond ±1000 means nothing") {
            try JSONDecoder().decode(SentimentModel.self, from: huge)
        }
    }
}

extension SentimentModelTests {
    @Test("reading without drivers gives the same label and score")
    func withoutDrivers() {
        for text in ["不太满意，慢", "good but slow", "好", "今天下午三点", "😊😊"] {
            let full = model.classify(text)
            let plain = model.sentiment(of: text)
            #expect(plain.label == full.label && plain.score == full.score && plain.drivers.isEmpty)
        }
    }
}
