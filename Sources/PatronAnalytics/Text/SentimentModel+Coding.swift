/// The model file: JSON with the weights by readable key, so that a model can be inspected, diffed and moved
/// between servers and versions.
extension SentimentModel: Codable {
    /// The format's name and version in every file, checked on reading.
    public static let format = "patron-sentiment-model"
    public static let formatVersion = 1
    /// Weights are kept to this many decimal places; a weight that rounds to zero is left out.
    static let weightScale = 10_000.0
    /// The largest weight or bias a file may hold: log-odds beyond it mean nothing (e^1000 to one).
    public static let weightLimit = 1_000.0
    /// The largest count a file may hold: the largest integer every JSON reader keeps exactly.
    static let countLimit = 9_007_199_254_740_991

    enum CodingKeys: String, CodingKey {
        case format
        case version
        case name
        case bias
        case neutralBand = "neutral_band"
        case training
        case weights
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        let format = try container.decode(String.self, forKey: .format)
        let version = try container.decode(Int.self, forKey: .version)
        guard format == Self.format, version == Self.formatVersion else {
            throw DecodingError.dataCorruptedError(
                forKey: .format, in: container,
                debugDescription: "not a \(Self.format) file of version \(Self.formatVersion)")
        }
        let band = try container.decode(Double.self, forKey: .neutralBand)
        guard band >= 0, band < 1 else {
            throw DecodingError.dataCorruptedError(
                forKey: .neutralBand, in: container, debugDescription: "the neutral band must be in [0, 1)")
        }
        let bias = try container.decode(Double.self, forKey: .bias)
        let weights = try container.decode([String: Double].self, forKey: .weights)
        guard abs(bias) <= Self.weightLimit, weights.values.allSatisfy({ abs($0) <= Self.weightLimit }) else {
            throw DecodingError.dataCorruptedError(
                forKey: .weights, in: container,
                debugDescription: "the bias and every weight must be within ±\(Int(Self.weightLimit))")
        }
        let training = try container.decodeIfPresent(SentimentTrainingSummary.self, forKey: .training)
        if let training,
            [training.positive, training.neutral, training.negative, training.features, training.iterations]
                .contains(where: { !(0...Self.countLimit).contains($0) })
        {
            throw DecodingError.dataCorruptedError(
                forKey: .training, in: container,
                debugDescription: "the training counts must be whole numbers from 0 to 2^53 − 1")
        }
        self.init(
            name: try container.decode(String.self, forKey: .name), bias: bias, neutralBand: band, weights: weights,
            training: training)
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(Self.format, forKey: .format)
        try container.encode(Self.formatVersion, forKey: .version)
        try container.encode(name, forKey: .name)
        try container.encode(Self.rounded(bias) ?? 0, forKey: .bias)
        try container.encode(neutralBand, forKey: .neutralBand)
        try container.encodeIfPresent(training, forKey: .training)
        try container.encode(weights.compactMapValues(Self.rounded), forKey: .weights)
    }

    private static func rounded(_ weight: Double) -> Double? {
        let rounded = (weight * weightScale).rounded() / weightScale
        return rounded == 0 ? nil : rounded
    }
}
