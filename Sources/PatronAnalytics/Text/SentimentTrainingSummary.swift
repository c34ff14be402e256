/// What a trained model learned from, kept in its file.
public struct SentimentTrainingSummary: Sendable, Hashable, Codable {
    public var positive: Int
    public var neutral: Int
    public var negative: Int
    /// The model the training built on, if any.
    public var base: String?
    /// How far the labels bore the base model out: its log-odds were multiplied by this.
    public var baseScale: Double?
    /// The penalty on the model's own weights.
    public var regularization: Double
    /// Features in the model that the training texts contained.
    public var features: Int
    /// Optimiser iterations, and whether the gradient reached its tolerance within the limit.
    public var iterations: Int
    public var converged: Bool

    enum CodingKeys: String, CodingKey {
        case positive
        case neutral
        case negative
        case base
        case baseScale = "base_scale"
        case regularization
        case features
        case iterations
        case converged
    }

    public init(
        positive: Int, neutral: Int, negative: Int, base: String?, baseScale: Double?, regularization: Double,
        features: Int,
        iterations: Int, converged: Bool
    ) {
        self.positive = positive
        self.neutral = neutral
        self.negative = negative
        self.base = base
        self.baseScale = baseScale
        self.regularization = regularization
        self.features = features
        self.iterations = iterations
        self.converged = converged
    }
}
