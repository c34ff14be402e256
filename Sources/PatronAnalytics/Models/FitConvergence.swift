/// How a maximum-likelihood fit ended: what `converged` claims is stated in ``ModelFit/converged``.
public struct FitConvergence: Sendable, Hashable, Codable {
    /// Optimiser iterations (BFGS, then Newton).
    public var iterations: Int
    /// The Euclidean norm of the log-likelihood's gradient with respect to the logarithms of the parameters.
    public var gradientNorm: Double
    /// Whether the fit reached the maximum to the stated precision.
    public var converged: Bool

    /// Creates a record.
    public init(iterations: Int, gradientNorm: Double, converged: Bool) {
        self.iterations = iterations
        self.gradientNorm = gradientNorm
        self.converged = converged
    }
}

extension ModelFit {
    /// How this fit ended.
    public var convergence: FitConvergence {
        FitConvergence(iterations: iterations, gradientNorm: gradientNorm, converged: converged)
    }
}
