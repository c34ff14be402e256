/// A Newton step −H⁻¹g for a symmetric positive definite Hessian, by Cholesky factorisation.
struct NewtonStep {
    /// −H⁻¹g.
    var direction: [Double]
    /// ½ gᵀH⁻¹g: what the step gains on the local quadratic, per customer.
    var meanGain: Double
    /// The largest change of one variable the step makes.
    var longestMove: Double
    /// The diagonal of H⁻¹: the squared standard errors of the variables, up to the number of customers.
    var inverseDiagonal: [Double]

    /// Nil when `hessian` (row-major) is not positive definite.
    init?(hessian: [Double], gradient: [Double]) {
        let dimension = gradient.count
        // H = L Lᵀ, L lower triangular, row-major.
        var lower = [Double](repeating: 0, count: dimension * dimension)
        for row in 0..<dimension {
            for column in 0...row {
                var sum = hessian[row * dimension + column]
                for inner in 0..<column { sum -= lower[row * dimension + inner] * lower[column * dimension + inner] }
                if row == column {
                    guard sum > 0, sum.isFinite else { return nil }
                    lower[row * dimension + row] = sum.squareRoot()
                } else {
                    lower[row * dimension + column] = sum / lower[column * dimension + column]
                }
            }
        }
        // Solve L y = g, then Lᵀ z = y; the direction is −z and gᵀH⁻¹g = yᵀy.
        var solution = gradient
        for row in 0..<dimension {
            for inner in 0..<row { solution[row] -= lower[row * dimension + inner] * solution[inner] }
            solution[row] /= lower[row * dimension + row]
        }
        let quadratic = QuasiNewtonMinimizer.dot(solution, solution)
        for row in stride(from: dimension - 1, through: 0, by: -1) {
            for inner in (row + 1)..<dimension { solution[row] -= lower[inner * dimension + row] * solution[inner] }
            solution[row] /= lower[row * dimension + row]
        }
        direction = solution.map { -$0 }
        meanGain = quadratic / 2
        longestMove = direction.map(abs).max() ?? 0
        // (H⁻¹)ᵢᵢ = ‖L⁻¹eᵢ‖².
        inverseDiagonal = (0..<dimension).map { column in
            var unit = [Double](repeating: 0, count: dimension)
            unit[column] = 1
            for row in column..<dimension {
                for inner in column..<row { unit[row] -= lower[row * dimension + inner] * unit[inner] }
                unit[row] /= lower[row * dimension + row]
            }
            return QuasiNewtonMinimizer.dot(unit, unit)
        }
        guard direction.allSatisfy(\.isFinite), inverseDiagonal.allSatisfy(\.isFinite) else { return nil }
    }
}
