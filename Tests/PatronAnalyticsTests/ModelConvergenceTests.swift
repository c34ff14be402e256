import PatronAnalytics
import Testing

@Suite("Model convergence on CDNOW", .enabled(if: CDNOWData.isAvailable, CDNOWData.skipMessage))
struct ModelConvergenceTests {
    @Test("BG/NBD reaches the maximum: log-likelihood to 1e-6, parameters to 1e-6, gradient norm ≤ 1e-6")
    func bgnbdConverges() throws {
        let fit = try BGNBDModel.fit(try CDNOWData.summaries())
        #expect(fit.converged)
        #expect(fit.gradientNorm <= 1e-6)
        #expect(fit.iterations > 0)
        #expect(abs(fit.logLikelihood - CDNOWReference.bgnbdLogLikelihood) <= 1e-6, "\(fit.logLikelihood)")
        let reference = CDNOWReference.bgnbd
        // The reference is printed to about ten digits.
        #expect(isClose(fit.model.r, reference.r, relative: 1e-6), "\(fit.model.r)")
        #expect(isClose(fit.model.alpha, reference.alpha, relative: 1e-6), "\(fit.model.alpha)")
        #expect(isClose(fit.model.a, reference.a, relative: 1e-6), "\(fit.model.a)")
        #expect(isClose(fit.model.b, reference.b, relative: 1e-6), "\(fit.model.b)")
    }

    @Test("Gamma-Gamma reaches the maximum: log-likelihood to 1e-6, parameters to 1e-6, gradient norm ≤ 1e-6")
    func gammaGammaConverges() throws {
        let fit = try GammaGammaModel.fit(try CDNOWData.summaries())
        #expect(fit.converged)
        #expect(fit.gradientNorm <= 1e-6)
        #expect(abs(fit.logLikelihood - CDNOWReference.gammaGammaLogLikelihood) <= 1e-6, "\(fit.logLikelihood)")
        let reference = CDNOWReference.gammaGamma
        #expect(isClose(fit.model.p, reference.p, relative: 1e-6), "\(fit.model.p)")
        #expect(isClose(fit.model.q, reference.q, relative: 1e-6), "\(fit.model.q)")
        #expect(isClose(fit.model.gamma, reference.gamma, relative: 1e-6), "\(fit.model.gamma)")
    }

    /// From the transactions, times are exact rather than rounded to 0.01 week: the maximum is another one,
    /// −9582.429206674 by an independent NumPy likelihood at these parameters (the summary file's maximum scores
    /// −9582.429206714 on this data, lower).
    @Test("from the CDNOW transactions BG/NBD reaches that data's own maximum")
    func bgnbdConvergesOnTransactions() throws {
        var reader = try CSVReader(path: CDNOWData.samplePath)
        var transactions: [Transaction] = []
        while let record = try reader.nextRecord() {
            let columns = record.fields[0].split(separator: " ")
            let date = try #require(CalendarDate(parsing: columns[2]))
            transactions.append(Transaction(customerID: String(columns[1]), date: date, amount: Double(columns[4])!))
        }
        let end = try #require(CalendarDate(parsing: "1997-09-30"))
        let fit = try BGNBDModel.fit(CustomerSummary.summaries(from: transactions, calibrationEnd: end, unit: .week))
        #expect(fit.converged)
        #expect(fit.gradientNorm <= 1e-6)
        #expect(abs(fit.logLikelihood - -9582.429_206_674) <= 1e-6, "\(fit.logLikelihood)")
        #expect(fit.logLikelihood > -9582.429_206_714)
    }

    @Test("the fit JSON reports iterations, gradient norm and convergence for both models")
    func jsonReportsConvergence() throws {
        let customers = try CDNOWData.summaries()
        let fit = try CustomerBaseFit.fit(customers)
        let json = fit.json
        for model in ["bgnbd", "gamma_gamma"] {
            #expect(json.contains("\"\(model)\": {"))
        }
        func occurrences(_ text: String) -> Int {
            json.split(separator: text, omittingEmptySubsequences: false).count - 1
        }
        #expect(occurrences("\"iterations\": ") == 2)
        #expect(occurrences("\"gradient_norm\": ") == 2)
        #expect(occurrences("\"converged\": true") == 2)
    }
}
