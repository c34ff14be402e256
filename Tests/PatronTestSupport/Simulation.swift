import Glibc
import PatronAnalytics

/// A small deterministic generator (SplitMix64) so simulated tests are reproducible.
public struct SeededGenerator: RandomNumberGenerator {
    private var state: UInt64

    public init(seed: UInt64) { state = seed }

    public mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var value = state
        value = (value ^ (value >> 30)) &* 0xBF58_476D_1CE4_E5B9
        value = (value ^ (value >> 27)) &* 0x94D0_49BB_1331_11EB
        return value ^ (value >> 31)
    }

    public mutating func nextInt(upperBound: Int) -> Int { Int.random(in: 0..<upperBound, using: &self) }

    /// Uniform on (0, 1).
    public mutating func nextUnit() -> Double { Double.random(in: Double.ulpOfOne..<1, using: &self) }
}

public enum Simulation {
    /// Gamma(shape, rate) by Marsaglia & Tsang.
    public static func gamma(shape: Double, rate: Double, using generator: inout SeededGenerator) -> Double {
        if shape < 1 {
            let boosted = gamma(shape: shape + 1, rate: rate, using: &generator)
            return boosted * pow(generator.nextUnit(), 1 / shape)
        }
        let d = shape - 1.0 / 3
        let c = 1 / (9 * d).squareRoot()
        while true {
            var x = 0.0
            var v = 0.0
            repeat {
                x = normal(using: &generator)
                v = 1 + c * x
            } while v <= 0
            v = v * v * v
            let u = generator.nextUnit()
            if log(u) < 0.5 * x * x + d - d * v + d * log(v) { return d * v / rate }
        }
    }

    public static func normal(using generator: inout SeededGenerator) -> Double {
        (-2 * log(generator.nextUnit())).squareRoot() * cos(2 * Double.pi * generator.nextUnit())
    }

    public static func beta(_ a: Double, _ b: Double, using generator: inout SeededGenerator) -> Double {
        let x = gamma(shape: a, rate: 1, using: &generator)
        let y = gamma(shape: b, rate: 1, using: &generator)
        return x / (x + y)
    }

    /// One customer's history under the BG/NBD model, observed for `age` units after the first purchase.
    public static func bgnbdHistory(
        _ model: BGNBDModel, age: Double, using generator: inout SeededGenerator
    )
        -> PurchaseHistory
    {
        let times = bgnbdRepeatTimes(model, age: age, using: &generator)
        return PurchaseHistory(frequency: times.count, recency: times.last ?? 0, age: age)
    }

    /// When one customer buys again under the BG/NBD model, in units after the first purchase, up to `age`.
    public static func bgnbdRepeatTimes(
        _ model: BGNBDModel, age: Double, using generator: inout SeededGenerator
    ) -> [Double] {
        let rate = gamma(shape: model.r, rate: model.alpha, using: &generator)
        let dropout = beta(model.a, model.b, using: &generator)
        var time = 0.0
        var times: [Double] = []
        while true {
            time += -log(generator.nextUnit()) / rate
            if time > age { break }
            times.append(time)
            if generator.nextUnit() < dropout { break }
        }
        return times
    }

    /// Spend per purchase under the Gamma-Gamma model: a customer's mean over `count` purchases.
    public static func meanSpend(_ model: GammaGammaModel, count: Int, using generator: inout SeededGenerator) -> Double
    {
        let scale = gamma(shape: model.q, rate: model.gamma, using: &generator)
        var total = 0.0
        for _ in 0..<count { total += gamma(shape: model.p, rate: scale, using: &generator) }
        return total / Double(count)
    }
}
