/// How well predicted labels match people's labels: accuracy, macro-F1, per-class precision and recall, and the
/// confusion matrix, beside the majority-class baseline of the same labels.
///
/// When the people's labels have no neutral class, a prediction is read by the sign of its score: a two-way
/// judgement is asked for, and "neutral" would count as wrong for every text.
public struct SentimentEvaluation: Sendable, Hashable {
    public struct ClassFigures: Sendable, Hashable {
        public var label: SentimentLabel
        public var support: Int
        public var precision: Double
        public var recall: Double
        public var f1: Double
    }

    /// The classes of the people's labels, in ``SentimentLabel`` order.
    public private(set) var classes: [SentimentLabel]
    /// `confusion[actual][predicted]`, indexed like ``classes``.
    public private(set) var confusion: [[Int]]
    public private(set) var count: Int
    public private(set) var accuracy: Double
    public private(set) var macroF1: Double
    public private(set) var perClass: [ClassFigures]
    /// The accuracy of always answering the most common class.
    public private(set) var majorityAccuracy: Double
    /// The macro-F1 of always answering the most common class.
    public private(set) var majorityMacroF1: Double

    /// Compares predictions (label and score) with the people's labels, pairwise.
    public init(actual: [SentimentLabel], predicted: [Sentiment]) {
        precondition(actual.count == predicted.count, "one prediction per label")
        let twoWay = !actual.contains(.neutral)
        let read = predicted.map { prediction in
            twoWay ? (prediction.score >= 0 ? SentimentLabel.positive : .negative) : prediction.label
        }
        let present = Set(actual).union(read)
        classes = SentimentLabel.allCases.filter { present.contains($0) }
        let position = Dictionary(uniqueKeysWithValues: classes.enumerated().map { ($1, $0) })
        var matrix = Array(repeating: Array(repeating: 0, count: classes.count), count: classes.count)
        for (label, answer) in zip(actual, read) {
            matrix[position[label]!][position[answer]!] += 1
        }
        confusion = matrix
        count = actual.count
        let figures = Self.figures(matrix, classes: classes)
        perClass = figures
        let correct = classes.indices.reduce(0) { $0 + matrix[$1][$1] }
        accuracy = actual.isEmpty ? 0 : Double(correct) / Double(actual.count)
        macroF1 = figures.isEmpty ? 0 : figures.reduce(0) { $0 + $1.f1 } / Double(figures.count)

        let supports = matrix.map { $0.reduce(0, +) }
        // Ties go to the first class in label order, so the baseline does not depend on the input's order.
        let majority = supports.indices.max { supports[$0] < supports[$1] || (supports[$0] == supports[$1] && $0 > $1) }
        var constant = Array(repeating: Array(repeating: 0, count: classes.count), count: classes.count)
        if let majority {
            for row in classes.indices { constant[row][majority] = supports[row] }
        }
        majorityAccuracy = actual.isEmpty ? 0 : Double(majority.map { supports[$0] } ?? 0) / Double(actual.count)
        let constantFigures = Self.figures(constant, classes: classes)
        majorityMacroF1 =
            constantFigures.isEmpty ? 0 : constantFigures.reduce(0) { $0 + $1.f1 } / Double(constantFigures.count)
    }

    private static func figures(_ confusion: [[Int]], classes: [SentimentLabel]) -> [ClassFigures] {
        classes.indices.map { index in
            let truePositives = Double(confusion[index][index])
            let support = confusion[index].reduce(0, +)
            let predicted = confusion.reduce(0) { $0 + $1[index] }
            let precision = predicted == 0 ? 0 : truePositives / Double(predicted)
            let recall = support == 0 ? 0 : truePositives / Double(support)
            let f1 = precision + recall == 0 ? 0 : 2 * precision * recall / (precision + recall)
            return ClassFigures(
                label: classes[index], support: support, precision: precision, recall: recall, f1: f1)
        }
    }
}

extension SentimentEvaluation {
    /// The evaluation as lines of text for a terminal.
    public func report(model: String) -> [String] {
        func percent(_ value: Double) -> String {
            let tenths = Int((value * 1000).rounded())
            return "\(tenths / 10).\(tenths % 10)%"
        }
        func decimal(_ value: Double) -> String {
            let thousandths = Int((value * 1000).rounded())
            let fraction = String(thousandths % 1000)
            return "\(thousandths / 1000)." + String(repeating: "0", count: 3 - fraction.count) + fraction
        }
        var lines = [
            "model: \(model)",
            "texts: \(count)",
            "accuracy: \(percent(accuracy))  (majority class: \(percent(majorityAccuracy)))",
            "macro-F1: \(decimal(macroF1))  (majority class: \(decimal(majorityMacroF1)))",
            "class     support  precision  recall  F1",
        ]
        for figures in perClass {
            lines.append(
                figures.label.rawValue.padding(to: 10) + String(figures.support).padding(to: 9)
                    + decimal(figures.precision).padding(to: 11) + decimal(figures.recall).padding(to: 8)
                    + decimal(figures.f1))
        }
        lines.append("confusion (rows: labelled, columns: predicted)")
        lines.append("".padding(to: 10) + classes.map { $0.rawValue.padding(to: 10) }.joined())
        for (row, label) in classes.enumerated() {
            lines.append(label.rawValue.padding(to: 10) + confusion[row].map { String($0).padding(to: 10) }.joined())
        }
        return lines
    }
}

extension String {
    fileprivate func padding(to width: Int) -> String {
        count >= width ? self + " " : self + String(repeating: " ", count: width - count)
    }
}
