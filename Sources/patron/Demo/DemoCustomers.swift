import Foundation
import PatronCore

/// The customers of a demo year, drawn once from a seed: when each joins, how often they come (a gamma-distributed
/// rate, as purchase models assume), how likely each visit is their last (beta-distributed), their store, and
/// who referred them. Visits follow the week's rhythm, busier at weekends.
struct DemoCustomers {
    struct Customer {
        var number: Int
        var externalID: String
        var name: String
        var phone: String
        var email: String?
        var birthday: CalendarDate?
        var joinDay: Int
        /// A member from before the year, who comes back at their own pace rather than on a day of joining.
        var existing: Bool
        /// Expected visits a day.
        var rate: Double
        /// The chance a visit is the last.
        var dropout: Double
        var store: String
        var referrer: Int?
    }

    /// Monday first: relative traffic by weekday.
    static let weekdayWeights = [0.9, 0.9, 1.0, 1.0, 1.15, 1.35, 1.2]

    var customers: [Customer]

    init(count: Int, days: Int, random: inout SplitMix64) {
        var customers: [Customer] = []
        customers.reserveCapacity(count)
        var phones = Set<String>()
        for number in 0..<count {
            // A third were members before the year began and come back at their own pace; the rest join through
            // the year, more as the chain grows.
            let existing = Double.random(in: 0..<1, using: &random) < 0.33
            let joinDay = existing ? 0 : Int(Double(days) * (Double.random(in: 0..<1, using: &random).squareRoot()))
            var phone: String
            repeat {
                phone =
                    ["138", "139", "150", "158", "186", "188"].randomElement(using: &random)!
                    + String(format: "%08d", Int.random(in: 0..<100_000_000, using: &random))
            } while !phones.insert(phone).inserted
            let name =
                CafeChain.surnames.randomElement(using: &random)!
                + (0..<Int.random(in: 1...2, using: &random)).map { _ in
                    CafeChain.givenNames.randomElement(using: &random)!
                }.joined()
            let storeIndex = min(
                CafeChain.stores.count - 1,
                Int(Double(CafeChain.stores.count) * pow(Double.random(in: 0..<1, using: &random), 1.6)))
            // One in twelve comes on a friend's invitation (a friend who joined before).
            var referrer: Int?
            if number > 0, Double.random(in: 0..<1, using: &random) < 0.08 {
                let friend = customers[Int.random(in: 0..<number, using: &random)]
                if friend.joinDay < joinDay { referrer = friend.number }
            }
            customers.append(
                Customer(
                    number: number, externalID: String(format: "demo-%06d", number), name: name, phone: phone,
                    email: Double.random(in: 0..<1, using: &random) < 0.4 ? "\(phone)@example.cn" : nil,
                    birthday: Double.random(in: 0..<1, using: &random) < 0.6
                        ? CalendarDate(
                            year: Int.random(in: 1965...2005, using: &random),
                            month: Int.random(in: 1...12, using: &random),
                            day: Int.random(in: 1...28, using: &random)) : nil,
                    joinDay: joinDay, existing: existing, rate: Self.gamma(shape: 1.2, scale: 1.0 / 30, using: &random),
                    dropout: Self.beta(1.0, 7.0, using: &random), store: CafeChain.stores[storeIndex].id,
                    referrer: referrer))
        }
        self.customers = customers
    }

    /// Marsaglia and Tsang's method; for shape < 1 through shape + 1.
    static func gamma(shape: Double, scale: Double, using random: inout SplitMix64) -> Double {
        if shape < 1 {
            let u = Double.random(in: Double.ulpOfOne..<1, using: &random)
            return gamma(shape: shape + 1, scale: scale, using: &random) * pow(u, 1 / shape)
        }
        let d = shape - 1.0 / 3
        let c = 1 / (9 * d).squareRoot()
        while true {
            var x: Double
            var v: Double
            repeat {
                x = normal(using: &random)
                v = 1 + c * x
            } while v <= 0
            v = v * v * v
            let u = Double.random(in: Double.ulpOfOne..<1, using: &random)
            if log(u) < 0.5 * x * x + d - d * v + d * log(v) { return d * v * scale }
        }
    }

    static func beta(_ a: Double, _ b: Double, using random: inout SplitMix64) -> Double {
        let x = gamma(shape: a, scale: 1, using: &random)
        return x / (x + gamma(shape: b, scale: 1, using: &random))
    }

    /// Box–Muller.
    static func normal(using random: inout SplitMix64) -> Double {
        let u = Double.random(in: Double.ulpOfOne..<1, using: &random)
        let v = Double.random(in: 0..<1, using: &random)
        return (-2 * log(u)).squareRoot() * cos(2 * .pi * v)
    }
}
