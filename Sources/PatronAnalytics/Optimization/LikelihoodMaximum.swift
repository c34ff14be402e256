/// Where ``LikelihoodMaximizer`` stopped and what that point is worth.
struct LikelihoodMaximum {
    /// The log-parameters reached.
    var point: [Double]
    /// The mean negative log-likelihood there.
    var evaluation: ObjectiveEvaluation
    /// BFGS and Newton iterations.
    var iterations: Int
    /// The Euclidean norm of the total log-likelihood's gradient over log-parameters.
    var gradientNorm: Double
    var converged: Bool
    /// Whether the point is a maximum inside the parameter space rather than on the way to its edge (see
    /// ``LikelihoodMaximizer``).
    var inside: Bool
}
