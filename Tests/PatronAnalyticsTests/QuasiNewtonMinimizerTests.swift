import Glibc
import PatronAnalytics
import Testing

@Suite("Quasi-Newton minimiser")
struct QuasiNewtonMinimizerTests {
    @Test("minimises the Rosenbrock function from the classic start")
    func rosenbrock() throws {
        let result = try QuasiNewtonMinimizer(gradientTolerance: 1e-10).minimize(from: [-1.2, 1]) { point in
            let (x, y) = (point[0], point[1])
            return ObjectiveEvaluation(
                value: (1 - x) * (1 - x) + 100 * (y - x * x) * (y - x * x),
                gradient: [-2 * (1 - x) - 400 * x * (y - x * x), 200 * (y - x * x)])
        }
        #expect(abs(result.point[0] - 1) < 1e-7)
        #expect(abs(result.point[1] - 1) < 1e-7)
        #expect(result.iterations < 100)
    }

    @Test("finds the centre of an ill-conditioned quadratic in four variables")
    func quadratic() throws {
        let centre = [3.0, -2.0, 0.5, 10.0]
        let curvature = [1.0, 100.0, 0.01, 1e4]
        let result = try QuasiNewtonMinimizer(gradientTolerance: 1e-12).minimize(from: [0, 0, 0, 0]) { point in
            var value = 0.0
            var gradient = [Double](repeating: 0, count: 4)
            for index in 0..<4 {
                let offset = point[index] - centre[index]
                value += 0.5 * curvature[index] * offset * offset
                gradient[index] = curvature[index] * offset
            }
            return ObjectiveEvaluation(value: value, gradient: gradient)
        }
        for index in 0..<4 { #expect(abs(result.point[index] - centre[index]) < 1e-8) }
    }

    @Test("steps back from regions where the objective is not finite")
    func nonFiniteRegions() throws {
        // log-barrier: undefined for x ≤ 0, minimum at x = 1.
        let result = try QuasiNewtonMinimizer().minimize(from: [5]) { point in
            let x = point[0]
            guard x > 0 else { return ObjectiveEvaluation(value: .nan, gradient: [.nan]) }
            return ObjectiveEvaluation(value: x - log(x), gradient: [1 - 1 / x])
        }
        #expect(abs(result.point[0] - 1) < 1e-6)
    }

    @Test("reports a non-finite start")
    func nonFiniteStart() {
        #expect(throws: OptimizationError.self) {
            try QuasiNewtonMinimizer().minimize(from: [0]) { _ in ObjectiveEvaluation(value: .infinity, gradient: [0]) }
        }
    }
}
