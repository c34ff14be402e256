#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif

/// A text with the sentiment a person gave it.
public struct LabelledText: Sendable, Hashable {
    public var text: String
    public var label: SentimentLabel

    public init(text: String, label: SentimentLabel) {
        self.text = text
        self.label = label
    }
}

/// Why a model could not be trained.
public enum SentimentTrainingError: Error, Hashable, CustomStringConvertible {
    /// Training needs texts of both signs.
    case needsBothLabels(positive: Int, negative: Int)

    public var description: String {
        switch self {
        case .needsBothLabels(let positive, let negative):
            "training needs positive and negative texts; got \(positive) positive and \(negative) negative"
        }
    }
}

/// Trains a ``SentimentModel`` by L2-regularised logistic regression, neutral texts counting as half positive.
///
/// With a base model (the built-in one by default) the base's log-odds of each text is one more input, with a
/// scale learned from the labels: the new model trusts the base as far as the business's texts bear it out and
/// learns its own words beside it. The result is flattened into one set of weights (scale × base weight + own
/// weight), so it classifies as fast as any model. The objective is convex in the weights, bias and scale: the
/// result is its one minimum, whatever the order of the texts.
public struct SentimentTrainer: Sendable {
    /// The penalty's weight, λ/2·‖w‖², against the summed log-loss.
    public var regularization: Double
    /// Features seen in fewer training texts than this are not learned (the base's weights still apply).
    public var minimumCount: Int

    public init(regularization: Double = 1, minimumCount: Int = 2) {
        self.regularization = regularization
        self.minimumCount = minimumCount
    }

    public func train(
        _ examples: [LabelledText], name: String, base: SentimentModel? = nil
    ) throws(SentimentTrainingError) -> SentimentModel {
        let positive = examples.count { $0.label == .positive }
        let negative = examples.count { $0.label == .negative }
        guard positive > 0, negative > 0 else { throw .needsBothLabels(positive: positive, negative: negative) }

        let matrix = FeatureMatrix(examples.map(\.text), minimumCount: minimumCount, base: base)
        let targets = examples.map { example -> Double in
            switch example.label {
            case .positive: 1
            case .neutral: 0.5
            case .negative: 0
            }
        }
        // Own weights start at zero, the bias at the base's, the base's scale at one.
        var start = [Double](repeating: 0, count: matrix.keys.count)
        start.append(base?.bias ?? 0)
        start.append(1)
        let lambda = regularization
        // The loss is a sum over texts, so its gradient grows with their number; 1e-5 per text is ten times tighter
        // than scikit-learn's default on its mean loss.
        let minimizer = LimitedMemoryMinimizer(
            gradientTolerance: 1e-5 * Double(examples.count), maximumIterations: 1000)
        let result = try? minimizer.minimize(from: start) { variables in
            matrix.logLoss(variables, targets: targets, regularization: lambda)
        }
        let fitted = result?.point ?? start
        let scale = fitted[matrix.keys.count + 1]

        var weights = (base?.weights ?? [:]).mapValues { scale * $0 }
        for (index, key) in matrix.keys.enumerated() { weights[key, default: 0] += fitted[index] }
        return SentimentModel(
            name: name, bias: fitted[matrix.keys.count],
            neutralBand: base?.neutralBand ?? SentimentModel.defaultNeutralBand, weights: weights,
            training: SentimentTrainingSummary(
                positive: positive, neutral: examples.count - positive - negative, negative: negative,
                base: base?.name, baseScale: base == nil ? nil : scale, regularization: regularization,
                features: matrix.keys.count, iterations: result?.iterations ?? 0, converged: result?.converged ?? false
            ))
    }
}

/// The training texts' features as a sparse matrix, one row per text and one column per learned feature, and
/// each text's log-odds under the base model without its bias.
struct FeatureMatrix: Sendable {
    /// Each column's model key.
    private(set) var keys: [String] = []
    private(set) var rowStarts: [Int] = [0]
    private(set) var columns: [Int32] = []
    private(set) var values: [Double] = []
    private(set) var baseLogOdds: [Double] = []

    init(_ texts: [String], minimumCount: Int, base: SentimentModel?) {
        var counts: [UInt64: (count: Int, key: String)] = [:]
        let extracted = texts.map { SentimentFeatures($0) }
        for features in extracted {
            for feature in features.features {
                if let seen = counts[feature.hash] {
                    counts[feature.hash] = (seen.count + 1, seen.key)
                } else {
                    counts[feature.hash] = (1, features.key(feature))
                }
            }
        }
        var columnOf: [UInt64: Int32] = [:]
        for (hash, seen) in counts.sorted(by: { $0.value.key < $1.value.key }) where seen.count >= minimumCount {
            columnOf[hash] = Int32(keys.count)
            keys.append(seen.key)
        }
        for features in extracted {
            for feature in features.features {
                guard let column = columnOf[feature.hash] else { continue }
                columns.append(column)
                values.append(feature.value)
            }
            rowStarts.append(columns.count)
            baseLogOdds.append(base.map { $0.logOdds(features) - $0.bias } ?? 0)
        }
    }

    /// Σ log-loss + λ/2·‖w‖² and its gradient, for variables (w…, bias, base scale).
    func logLoss(_ variables: [Double], targets: [Double], regularization: Double) -> ObjectiveEvaluation {
        let biasIndex = keys.count
        let scaleIndex = keys.count + 1
        var value = 0.0
        var gradient = [Double](repeating: 0, count: variables.count)
        for row in targets.indices {
            var logOdds = variables[biasIndex] + variables[scaleIndex] * baseLogOdds[row]
            for entry in rowStarts[row]..<rowStarts[row + 1] {
                logOdds += variables[Int(columns[entry])] * values[entry]
            }
            // log(1 + e^z) − y·z, computed without overflow.
            value += max(logOdds, 0) + log1p(exp(-abs(logOdds))) - targets[row] * logOdds
            let residual = 1 / (1 + exp(-logOdds)) - targets[row]
            gradient[biasIndex] += residual
            gradient[scaleIndex] += residual * baseLogOdds[row]
            for entry in rowStarts[row]..<rowStarts[row + 1] {
                gradient[Int(columns[entry])] += residual * values[entry]
            }
        }
        for column in 0..<biasIndex {
            value += regularization / 2 * variables[column] * variables[column]
            gradient[column] += regularization * variables[column]
        }
        return ObjectiveEvaluation(value: value, gradient: gradient)
    }
}
