import PatronAnalytics
import Testing

@Suite("Sentiment training and evaluation")
struct SentimentTrainerTests {
    static let examples: [LabelledText] = {
        let positive = ["送餐很快，味道好", "味道不错，分量足", "好吃，服务热情", "快递很快，包装好", "非常满意，还会再来", "great food, fast delivery"]
        let negative = ["送餐太慢了", "味道差，分量少", "菜凉了，难吃", "包装破了，汤洒了", "不满意，不会再来", "cold food, slow delivery"]
        return positive.map { LabelledText(text: $0, label: .positive) }
            + negative.map { LabelledText(text: $0, label: .negative) }
    }()

    @Test("learns the training texts' labels and reads new texts made of their words")
    func learns() throws {
        let model = try SentimentTrainer(minimumCount: 1).train(Self.examples, name: "small")
        for example in Self.examples {
            #expect(model.classify(example.text).label == example.label, "\(example.text)")
        }
        #expect(model.classify("味道好，很快").label == .positive)
        #expect(model.classify("太慢，难吃").label == .negative)
        #expect(model.training?.positive == 6)
        #expect(model.training?.negative == 6)
    }

    @Test("with a base model, words the new texts do not contain keep the base's weights, scaled")
    func base() throws {
        let base = SentimentModel(name: "base", bias: 0, neutralBand: 0.2, weights: ["惊艳": 2, "味道": 0.3])
        let model = try SentimentTrainer(minimumCount: 1).train(Self.examples, name: "tuned", base: base)
        let scale = try #require(model.training?.baseScale)
        #expect(scale > 0)
        #expect(model.weights["惊艳"] == 2 * scale)
        #expect(model.weights["味道"] != 0.3 * scale)
        #expect(model.training?.base == "base")
        #expect(model.classify("惊艳").label == .positive)
    }

    @Test("a stronger penalty keeps the model's own weights smaller")
    func regularization() throws {
        let loose = try SentimentTrainer(regularization: 0.1, minimumCount: 1).train(Self.examples, name: "a")
        let tight = try SentimentTrainer(regularization: 10, minimumCount: 1).train(Self.examples, name: "b")
        #expect(abs(loose.weights["慢"] ?? 0) > abs(tight.weights["慢"] ?? 0))
    }

    @Test("training without both signs is refused")
    func oneSided() {
        #expect(throws: SentimentTrainingError.needsBothLabels(positive: 1, negative: 0)) {
            try SentimentTrainer().train([LabelledText(text: "好", label: .positive)], name: "x")
        }
    }

    @Test("labels are read as 1/0, words or ratings")
    func labelParsing() {
        #expect(SentimentLabel(parsing: "1") == .positive)
        #expect(SentimentLabel(parsing: " Negative ") == .negative)
        #expect(SentimentLabel(parsing: "neu") == .neutral)
        #expect(SentimentLabel(parsing: "2") == nil)
        #expect(SentimentLabel(parsing: "2", ratingScale: 5) == .negative)
        #expect(SentimentLabel(parsing: "3", ratingScale: 5) == .neutral)
        #expect(SentimentLabel(parsing: "4", ratingScale: 5) == .positive)
        #expect(SentimentLabel(parsing: "6", ratingScale: 5) == nil)
    }

    @Test("evaluation: accuracy, macro-F1, confusion and the majority baseline")
    func evaluation() {
        func said(_ score: Double) -> Sentiment {
            Sentiment(label: score > 0 ? .positive : .negative, score: score, drivers: [])
        }
        let actual: [SentimentLabel] = [.positive, .positive, .positive, .negative]
        let evaluation = SentimentEvaluation(actual: actual, predicted: [said(0.9), said(0.5), said(-0.5), said(-0.9)])
        #expect(evaluation.accuracy == 0.75)
        #expect(evaluation.confusion == [[2, 1], [0, 1]])
        #expect(evaluation.majorityAccuracy == 0.75)
        // positive: precision 1, recall 2/3, F1 0.8; negative: precision 1/2, recall 1, F1 2/3.
        #expect(abs(evaluation.macroF1 - (0.8 + 2.0 / 3) / 2) < 1e-12)
        #expect(abs(evaluation.majorityMacroF1 - (6.0 / 7) / 2) < 1e-12)
    }

    @Test("with two-way labels a neutral answer is read by its sign")
    func twoWay() {
        let evaluation = SentimentEvaluation(
            actual: [.positive, .negative],
            predicted: [
                Sentiment(label: .neutral, score: 0.1, drivers: []),
                Sentiment(label: .neutral, score: -0.1, drivers: []),
            ])
        #expect(evaluation.accuracy == 1)
    }
}
