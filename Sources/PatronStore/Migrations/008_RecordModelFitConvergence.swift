extension Migration {
    /// Each stored fit records how its optimisation ended (iterations, gradient norm, converged), so a fit is used
    /// only when it is known to have converged; fits stored before have none and are refitted.
    static let recordModelFitConvergence = Migration(
        version: 8, name: "record model fit convergence",
        statements: ["bgnbd", "gamma_gamma"].flatMap { model in
            [
                "ALTER TABLE analytics_model_fits ADD COLUMN \(model)_iterations BIGINT",
                "ALTER TABLE analytics_model_fits ADD COLUMN \(model)_gradient_norm DOUBLE PRECISION",
                "ALTER TABLE analytics_model_fits ADD COLUMN \(model)_converged BIGINT",
            ]
        })
}
