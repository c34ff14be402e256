import PatronAnalytics
import Testing

/// Small and degenerate bases: a fit is either refused in plain words or sane — never negative expected purchases,
/// never a customer silent for months as surely alive.
@Suite("Fits on small and degenerate bases")
struct DegenerateBaseTests {
    static func customer(_ id: String, days: [Int], spend: [Double], through end: Int) -> CustomerSummary {
        let repeats = days.count - 1
        return CustomerSummary(
            customerID: id, frequency: repeats, recency: Double(days.last! - days[0]) / 7,
            age: Double(end - days[0]) / 7,
            monetaryValue: repeats > 0 ? spend.dropFirst().reduce(0, +) / Double(repeats) : 0)
    }

    /// Ten customers who all bought on two or more days within a year, some long silent since: the kind of base
    /// that drove BG/NBD to r ≈ 6e11, α ≈ 6e12, a ≈ 4e-7 and −2,492 expected purchases.
    static let tenRepeaters: [CustomerSummary] = (0..<10).map { index in
        let first = 17 * index
        var days = [first, first + 30 + 11 * index]
        if index % 2 == 0 { days.append(days[1] + 40) }
        return customer(
            "r\(index)", days: days, spend: days.indices.map { 150 + 20 * Double(($0 + index) % 4) }, through: 365)
    }

    static let bases: [(name: String, customers: [CustomerSummary])] = [
        ("one who never came back", [customer("a", days: [0], spend: [80], through: 200)]),
        ("one who came back", [customer("a", days: [0, 40, 90], spend: [80, 60, 70], through: 200)]),
        (
            "two",
            [
                customer("a", days: [0, 40, 90], spend: [80, 60, 70], through: 200),
                customer("b", days: [30], spend: [50], through: 200),
            ]
        ),
        (
            "three",
            [
                customer("a", days: [0, 40, 90], spend: [80, 60, 70], through: 200),
                customer("b", days: [30], spend: [50], through: 200),
                customer("c", days: [10, 20], spend: [30, 35], through: 200),
            ]
        ),
        ("ten who all came back", tenRepeaters),
        (
            "fifty who never came back",
            (0..<50).map { customer("n\($0)", days: [3 * $0], spend: [100], through: 200) }
        ),
    ]

    @Test("everyone repeating is refused as a fit at the edge, in words")
    func everyoneRepeats() {
        let customers = Self.tenRepeaters
        #expect(throws: ModelFitError.parametersAtEdge(model: BGNBDModel.name)) {
            try BGNBDModel.fit(customers)
        }
        #expect(throws: ModelFitError.self) { try CustomerBaseFit.fit(customers) }
    }

    @Test("nobody repeating is refused by both models")
    func nobodyRepeats() {
        let customers = Self.bases.first { $0.name == "fifty who never came back" }!.customers
        #expect(throws: ModelFitError.parametersAtEdge(model: BGNBDModel.name)) { try BGNBDModel.fit(customers) }
        #expect(throws: ModelFitError.noCustomers(model: GammaGammaModel.name)) { try GammaGammaModel.fit(customers) }
    }

    @Test("every small or degenerate base is refused in plain words, or fitted sanely", arguments: 0..<6)
    func refusedOrSane(index: Int) {
        let (name, customers) = Self.bases[index]
        do {
            let fit = try CustomerBaseFit.fit(customers)
            #expect(fit.purchases.converged && fit.spend.converged, "\(name)")
            #expect(fit.purchases.gradientNorm.isFinite, "\(name)")
            let predictions = fit.predictions(for: customers, settings: LifetimeValueSettings(horizon: 13))
            for (customer, prediction) in zip(customers, predictions) {
                #expect(prediction.expectedPurchases.isFinite && prediction.expectedPurchases >= 0, "\(name)")
                #expect(prediction.lifetimeValue.isFinite && prediction.lifetimeValue >= 0, "\(name)")
                #expect((0...1).contains(prediction.probabilityAlive), "\(name)")
                let silentWeeks = customer.history.age - customer.history.recency
                if customer.history.frequency > 0, silentWeeks > 8 {
                    #expect(prediction.probabilityAlive < 1 - 1e-9, "\(name): \(customer.customerID)")
                }
            }
        } catch {
            let message = error.description
            #expect(!message.contains("\n"), "\(name)")
            for jargon in ["line search", "iteration", "gradient", "nan", "inf"] {
                #expect(!message.lowercased().contains(jargon), "\(name): \(message)")
            }
        }
    }
}
