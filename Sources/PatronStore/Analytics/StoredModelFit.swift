import PatronAnalytics
import PatronCore
import SQLKit

/// The customer-base models as last fitted: BG/NBD for purchase counts and Gamma-Gamma for spend, with when and
/// over what data they were fitted. Times in the models are in ``unit``s, spend in minor units of ``currency``.
public struct StoredModelFit: Sendable, Hashable {
    public var fitID: Int64
    public var fittedAt: Timestamp
    /// The last local day of the orders the fit saw.
    public var calibrationEnd: PatronCore.CalendarDate
    public var utcOffset: UTCOffset
    public var currency: String
    public var unit: TimeUnit
    /// All orders stored when the fit was made, and the newest one's creation time: if both are unchanged, so
    /// is the data (orders are never edited).
    public var orderCount: Int64
    public var newestOrderCreatedAt: Int64
    /// Customers fitted by BG/NBD, and those with repeat purchases fitted by Gamma-Gamma.
    public var customers: Int
    public var repeatCustomers: Int
    public var purchases: BGNBDModel
    public var purchasesLogLikelihood: Double
    public var spend: GammaGammaModel
    public var spendLogLikelihood: Double
    /// How each fit ended; only converged fits are stored.
    public var purchasesConvergence: FitConvergence
    public var spendConvergence: FitConvergence

    /// The columns of `analytics_model_fits`.
    struct Row: Codable {
        var fitID: Int64?
        var fittedAt: Int64
        var calibrationEnd: String
        var utcOffsetMinutes: Int64
        var currency: String
        var timeUnit: String
        var orderCount: Int64
        var newestOrderCreatedAt: Int64
        var customers: Int64
        var repeatCustomers: Int64
        var bgnbdR: Double
        var bgnbdAlpha: Double
        var bgnbdA: Double
        var bgnbdB: Double
        var bgnbdLogLikelihood: Double
        var gammaGammaP: Double
        var gammaGammaQ: Double
        var gammaGammaGamma: Double
        var gammaGammaLogLikelihood: Double
        // Null in fits stored before convergence was recorded, which are not used.
        var bgnbdIterations: Int64?
        var bgnbdGradientNorm: Double?
        var bgnbdConverged: Int64?
        var gammaGammaIterations: Int64?
        var gammaGammaGradientNorm: Double?
        var gammaGammaConverged: Int64?

        enum CodingKeys: String, CodingKey {
            case fitID = "fit_id"
            case fittedAt = "fitted_at"
            case calibrationEnd = "calibration_end"
            case utcOffsetMinutes = "utc_offset_minutes"
            case currency
            case timeUnit = "time_unit"
            case orderCount = "order_count"
            case newestOrderCreatedAt = "newest_order_created_at"
            case customers
            case repeatCustomers = "repeat_customers"
            case bgnbdR = "bgnbd_r"
            case bgnbdAlpha = "bgnbd_alpha"
            case bgnbdA = "bgnbd_a"
            case bgnbdB = "bgnbd_b"
            case bgnbdLogLikelihood = "bgnbd_log_likelihood"
            case gammaGammaP = "gamma_gamma_p"
            case gammaGammaQ = "gamma_gamma_q"
            case gammaGammaGamma = "gamma_gamma_gamma"
            case gammaGammaLogLikelihood = "gamma_gamma_log_likelihood"
            case bgnbdIterations = "bgnbd_iterations"
            case bgnbdGradientNorm = "bgnbd_gradient_norm"
            case bgnbdConverged = "bgnbd_converged"
            case gammaGammaIterations = "gamma_gamma_iterations"
            case gammaGammaGradientNorm = "gamma_gamma_gradient_norm"
            case gammaGammaConverged = "gamma_gamma_converged"
        }
    }

    var row: Row {
        Row(
            fitID: nil, fittedAt: fittedAt.millisecondsSinceEpoch, calibrationEnd: calibrationEnd.isoString,
            utcOffsetMinutes: Int64(utcOffset.minutes), currency: currency, timeUnit: unit.rawValue,
            orderCount: orderCount, newestOrderCreatedAt: newestOrderCreatedAt, customers: Int64(customers),
            repeatCustomers: Int64(repeatCustomers), bgnbdR: purchases.r, bgnbdAlpha: purchases.alpha,
            bgnbdA: purchases.a, bgnbdB: purchases.b, bgnbdLogLikelihood: purchasesLogLikelihood,
            gammaGammaP: spend.p, gammaGammaQ: spend.q, gammaGammaGamma: spend.gamma,
            gammaGammaLogLikelihood: spendLogLikelihood, bgnbdIterations: Int64(purchasesConvergence.iterations),
            bgnbdGradientNorm: purchasesConvergence.gradientNorm,
            bgnbdConverged: purchasesConvergence.converged ? 1 : 0,
            gammaGammaIterations: Int64(spendConvergence.iterations),
            gammaGammaGradientNorm: spendConvergence.gradientNorm,
            gammaGammaConverged: spendConvergence.converged ? 1 : 0)
    }
}

extension StoredModelFit {
    init(_ row: Row) throws {
        guard let calibrationEnd = PatronCore.CalendarDate(iso: row.calibrationEnd),
            let unit = TimeUnit(rawValue: row.timeUnit)
        else { throw AnalyticsError.corruptFit(fitID: row.fitID ?? 0) }
        self.fitID = row.fitID ?? 0
        self.fittedAt = Timestamp(millisecondsSinceEpoch: row.fittedAt)
        self.calibrationEnd = calibrationEnd
        self.utcOffset = UTCOffset(minutes: Int(row.utcOffsetMinutes))
        self.currency = row.currency
        self.unit = unit
        self.orderCount = row.orderCount
        self.newestOrderCreatedAt = row.newestOrderCreatedAt
        self.customers = Int(row.customers)
        self.repeatCustomers = Int(row.repeatCustomers)
        self.purchases = BGNBDModel(r: row.bgnbdR, alpha: row.bgnbdAlpha, a: row.bgnbdA, b: row.bgnbdB)
        self.purchasesLogLikelihood = row.bgnbdLogLikelihood
        self.spend = GammaGammaModel(p: row.gammaGammaP, q: row.gammaGammaQ, gamma: row.gammaGammaGamma)
        self.spendLogLikelihood = row.gammaGammaLogLikelihood
        self.purchasesConvergence = FitConvergence(
            iterations: Int(row.bgnbdIterations ?? 0), gradientNorm: row.bgnbdGradientNorm ?? .nan,
            converged: row.bgnbdConverged == 1)
        self.spendConvergence = FitConvergence(
            iterations: Int(row.gammaGammaIterations ?? 0), gradientNorm: row.gammaGammaGradientNorm ?? .nan,
            converged: row.gammaGammaConverged == 1)
    }
}

/// Why an analytics read or a refit could not be answered.
public enum AnalyticsError: Error, Hashable, CustomStringConvertible {
    /// A prediction was asked for before any fit was stored.
    case noModelFitted
    /// The stored orders are too few (or too uniform) for the models to be fitted.
    case notEnoughData(reason: String)
    /// A stored fit row could not be read back.
    case corruptFit(fitID: Int64)

    public var description: String {
        switch self {
        case .noModelFitted:
            "no model has been fitted yet; run 'patron analytics refit' or wait for the periodic refit"
        case .notEnoughData(let reason):
            "the stored orders cannot be fitted yet: \(reason)"
        case .corruptFit(let fitID):
            "the stored model fit \(fitID) cannot be read"
        }
    }
}
