import Glibc
import PatronAnalytics
import Testing

@Suite("Pareto/NBD model", .enabled(if: CDNOWData.isAvailable, CDNOWData.skipMessage))
struct ParetoNBDModelTests {
    @Test("fit on CDNOW reproduces the exact MLE to 1e-3 and the published values to their precision")
    func fitMatchesReference() throws {
        let histories = try CDNOWData.summaries().map(\.history)
        let fit = try ParetoNBDModel.fit(histories)
        let reference = CDNOWReference.paretoNBD
        #expect(isClose(fit.model.r, reference.r, relative: 1e-3))
        #expect(isClose(fit.model.alpha, reference.alpha, relative: 1e-3))
        #expect(isClose(fit.model.s, reference.s, relative: 1e-3))
        #expect(isClose(fit.model.beta, reference.beta, relative: 1e-3))
        #expect(abs(fit.logLikelihood - CDNOWReference.paretoNBDLogLikelihood) <= 1e-3)
        // Published: r = 0.553, α = 10.578, s = 0.606, β = 11.669, LL = −9595.0.
        #expect(roundsTo(fit.model.r, 0.553, decimals: 3))
        #expect(roundsTo(fit.model.alpha, 10.578, decimals: 3))
        #expect(roundsTo(fit.model.s, 0.606, decimals: 3))
        #expect(abs(fit.model.beta - 11.669) < 0.002)
        #expect(roundsTo(fit.logLikelihood, -9595.0, decimals: 1))
    }

    @Test("predictions match lifetimes with the same parameters")
    func predictionsMatchLifetimes() {
        let model = CDNOWReference.paretoNBD
        let cases: [(PurchaseHistory, purchases: Double, alive: Double)] = [
            (
                PurchaseHistory(frequency: 2, recency: 30.43, age: 38.86), 1.455_112_924_368_045_6,
                0.869_118_714_835_633_2
            ),
            (
                PurchaseHistory(frequency: 1, recency: 1.71, age: 38.86), 0.170_980_515_534_034_2,
                0.167_871_980_797_863_17
            ),
            (PurchaseHistory(frequency: 0, recency: 0, age: 38.86), 0.107_059_787_167_196_94, 0.295_097_164_228_127_7),
            (
                PurchaseHistory(frequency: 5, recency: 36.14, age: 38.14), 3.585_658_018_995_375_5,
                0.972_443_275_323_552_2
            ),
        ]
        for (history, purchases, alive) in cases {
            #expect(isClose(model.expectedPurchases(in: 39, given: history), purchases, relative: 1e-8))
            #expect(isClose(model.probabilityAlive(given: history), alive, relative: 1e-8))
        }
        #expect(isClose(model.expectedPurchases(in: 78), 1.909_880_665_680_362_4, relative: 1e-10))
    }
}

@Suite("Pareto/NBD likelihood")
struct ParetoNBDLikelihoodTests {
    /// The textbook form with the hypergeometric function (Fader & Hardie's note on the Pareto/NBD).
    static func hypergeometricLogLikelihood(_ model: ParetoNBDModel, _ history: PurchaseHistory) -> Double {
        let (r, alpha, s, beta) = (model.r, model.alpha, model.s, model.beta)
        let x = Double(history.frequency)
        let rsx = r + s + x
        let (larger, second, difference) = alpha >= beta ? (alpha, s + 1, alpha - beta) : (beta, r + x, beta - alpha)
        func term(_ time: Double) -> Double {
            SpecialFunctions.hypergeometric2F1(rsx, second, rsx + 1, difference / (larger + time))
                / pow(larger + time, rsx)
        }
        let a0 = term(history.recency) - term(history.age)
        return SpecialFunctions.logGamma(r + x) - SpecialFunctions.logGamma(r) + r * log(alpha) + s * log(beta)
            + log(1 / (pow(alpha + history.age, r + x) * pow(beta + history.age, s)) + s / rsx * a0)
    }

    @Test(
        "the quadrature likelihood equals the hypergeometric form",
        arguments: [
            ParetoNBDModel(r: 0.55, alpha: 10.6, s: 0.61, beta: 11.7),
            ParetoNBDModel(r: 0.55, alpha: 30, s: 0.61, beta: 2),
            ParetoNBDModel(r: 2.5, alpha: 1.5, s: 1.3, beta: 40),
            ParetoNBDModel(r: 0.1, alpha: 0.5, s: 3, beta: 0.5),
        ])
    func quadratureMatchesHypergeometric(model: ParetoNBDModel) {
        let histories = [
            PurchaseHistory(frequency: 0, recency: 0, age: 38.86),
            PurchaseHistory(frequency: 1, recency: 1.71, age: 38.86),
            PurchaseHistory(frequency: 4, recency: 20, age: 30),
            PurchaseHistory(frequency: 25, recency: 37, age: 38),
            PurchaseHistory(frequency: 3, recency: 12, age: 12),
        ]
        for history in histories {
            let quadrature = model.logLikelihood(of: history)
            let reference = Self.hypergeometricLogLikelihood(model, history)
            #expect(abs(quadrature - reference) <= 1e-10 * max(1, abs(reference)), "\(history)")
        }
    }
}
