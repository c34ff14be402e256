import PatronAnalytics
import PatronCore
import PatronStore

/// Money in minor units, rounded to the nearest unit; nil stays nil.
private func minor(_ value: Double?) -> Int64? {
    guard let value, value.isFinite else { return nil }
    return Int64(value.rounded())
}

/// `GET /v1/analytics/kpis`.
struct KPIResource: Encodable {
    let kpis: CustomerKPIs

    private enum CodingKeys: String, CodingKey {
        case from, to, currency, members
        case lapseDays = "lapse_days"
        case customersAtStart = "customers_at_start"
        case customersAtEnd = "customers_at_end"
        case newCustomers = "new_customers"
        case lostCustomers = "lost_customers"
        case retentionRate = "retention_rate"
        case churnRate = "churn_rate"
        case purchasingCustomers = "purchasing_customers"
        case repeatCustomers = "repeat_customers"
        case repurchaseRate = "repurchase_rate"
        case purchaseFrequency = "purchase_frequency"
        case orderCount = "order_count"
        case revenueMinor = "revenue_minor"
        case refundedMinor = "refunded_minor"
        case averageOrderValueMinor = "average_order_value_minor"
        case purchasesPerYear = "purchases_per_year"
        case grossMargin = "gross_margin"
        case lifetimeYears = "lifetime_years"
        case simpleCLVMinor = "simple_clv_minor"
        case activeMemberRate = "active_member_rate"
    }

    func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(kpis.from, forKey: .from)
        try container.encode(kpis.to, forKey: .to)
        try container.encode(kpis.lapseDays, forKey: .lapseDays)
        try container.encode(kpis.currency.code, forKey: .currency)
        try container.encode(kpis.customersAtStart, forKey: .customersAtStart)
        try container.encode(kpis.customersAtEnd, forKey: .customersAtEnd)
        try container.encode(kpis.newCustomers, forKey: .newCustomers)
        try container.encode(kpis.lostCustomers, forKey: .lostCustomers)
        try container.encode(kpis.retentionRate, forKey: .retentionRate)
        try container.encode(kpis.churnRate, forKey: .churnRate)
        try container.encode(kpis.purchasingCustomers, forKey: .purchasingCustomers)
        try container.encode(kpis.repeatCustomers, forKey: .repeatCustomers)
        try container.encode(kpis.repurchaseRate, forKey: .repurchaseRate)
        try container.encode(kpis.purchaseFrequency, forKey: .purchaseFrequency)
        try container.encode(kpis.orderCount, forKey: .orderCount)
        try container.encode(kpis.revenueMinor, forKey: .revenueMinor)
        try container.encode(kpis.refundedMinor, forKey: .refundedMinor)
        try container.encode(minor(kpis.averageOrderValue), forKey: .averageOrderValueMinor)
        try container.encode(kpis.purchasesPerYear, forKey: .purchasesPerYear)
        try container.encode(kpis.grossMargin, forKey: .grossMargin)
        try container.encode(kpis.lifetimeYears, forKey: .lifetimeYears)
        try container.encode(minor(kpis.simpleLifetimeValue), forKey: .simpleCLVMinor)
        try container.encode(kpis.members, forKey: .members)
        try container.encode(kpis.activeMemberRate, forKey: .activeMemberRate)
    }
}

/// One member's RFM standing, in lists and in insights.
struct StandingResource: Encodable {
    let standing: MemberStanding

    private enum CodingKeys: String, CodingKey {
        case memberID = "member_id"
        case recencyDays = "recency_days"
        case frequency
        case monetaryMinor = "monetary_minor"
        case orderCount = "order_count"
        case firstOrderDate = "first_order_date"
        case lastOrderDate = "last_order_date"
        case r, f, m, segment
        case segmentName = "segment_name"
        case lifecycleStage = "lifecycle_stage"
        case probabilityAlive = "probability_alive"
    }

    func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        let totals = standing.totals
        try container.encode(standing.memberID, forKey: .memberID)
        try container.encode(standing.recencyDays, forKey: .recencyDays)
        try container.encode(totals.purchaseDays, forKey: .frequency)
        try container.encode(totals.revenueMinor, forKey: .monetaryMinor)
        try container.encode(totals.orderCount, forKey: .orderCount)
        try container.encode(PatronCore.CalendarDate(daysSinceEpoch: totals.firstDay), forKey: .firstOrderDate)
        try container.encode(PatronCore.CalendarDate(daysSinceEpoch: totals.lastDay), forKey: .lastOrderDate)
        try container.encode(standing.score.recency, forKey: .r)
        try container.encode(standing.score.frequency, forKey: .f)
        try container.encode(standing.score.monetary, forKey: .m)
        try container.encode(standing.segment.code, forKey: .segment)
        try container.encode(standing.segment.rawValue, forKey: .segmentName)
        try container.encode(standing.stage.code, forKey: .lifecycleStage)
        try container.encode(standing.probabilityAlive, forKey: .probabilityAlive)
    }
}

/// `GET /v1/analytics/rfm`: the segment and stage counts of the whole base, and a page of members.
struct RFMPageResource: Encodable {
    let base: CustomerBase
    let page: [MemberStanding]
    let nextCursor: String?

    private enum CodingKeys: String, CodingKey {
        case referenceDate = "reference_date"
        case currency, customers, segments, data
        case lifecycleStages = "lifecycle_stages"
        case modelFittedAt = "model_fitted_at"
        case nextCursor = "next_cursor"
    }

    private struct SegmentCount: Encodable {
        let segment: String
        let name: String
        let customers: Int
    }

    func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(base.referenceDate, forKey: .referenceDate)
        try container.encode(base.currency.code, forKey: .currency)
        try container.encode(base.customers, forKey: .customers)
        let segments = base.segmentCounts
        try container.encode(
            RFMSegment.allCases.map { SegmentCount(segment: $0.code, name: $0.rawValue, customers: segments[$0] ?? 0) },
            forKey: .segments)
        let stages = base.stageCounts
        try container.encode(
            Dictionary(uniqueKeysWithValues: LifecycleStage.allCases.map { ($0.code, stages[$0] ?? 0) }),
            forKey: .lifecycleStages)
        try container.encode(base.fit?.fittedAt, forKey: .modelFittedAt)
        try container.encode(page.map(StandingResource.init), forKey: .data)
        try container.encode(nextCursor, forKey: .nextCursor)
    }
}

/// `GET /v1/analytics/cohorts`.
struct CohortsResource: Encodable {
    let from: PatronCore.CalendarDate
    let to: PatronCore.CalendarDate
    let cohorts: [CohortRetentionMatrix.Cohort]

    private enum CodingKeys: String, CodingKey {
        case from, to, cohorts
    }

    private struct Row: Encodable {
        let month: String
        let customers: Int
        let activeCustomers: [Int]
        let retentionRates: [Double]

        enum CodingKeys: String, CodingKey {
            case month, customers
            case activeCustomers = "active_customers"
            case retentionRates = "retention_rates"
        }
    }

    func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(from, forKey: .from)
        try container.encode(to, forKey: .to)
        try container.encode(
            cohorts.map {
                Row(
                    month: $0.month.description, customers: $0.size, activeCustomers: $0.activeCustomers,
                    retentionRates: $0.retentionRates)
            }, forKey: .cohorts)
    }
}

/// `GET /v1/members/{member_id}/insights`.
struct InsightsResource: Encodable {
    let memberID: String
    let asOf: PatronCore.CalendarDate
    let settings: PredictionSettings
    let standing: MemberStanding?
    let prediction: MemberPrediction?
    let fit: StoredModelFit

    private enum CodingKeys: String, CodingKey {
        case memberID = "member_id"
        case asOf = "as_of"
        case currency, rfm, model
        case lifecycleStage = "lifecycle_stage"
        case probabilityAlive = "probability_alive"
        case churnRisk = "churn_risk"
        case horizonDays = "horizon_days"
        case expectedPurchases = "expected_purchases"
        case expectedAverageSpendMinor = "expected_average_spend_minor"
        case clvMonths = "clv_months"
        case discountRate = "discount_rate"
        case clvMinor = "clv_minor"
        case expectedNextPurchase = "expected_next_purchase"
    }

    func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(memberID, forKey: .memberID)
        try container.encode(asOf, forKey: .asOf)
        try container.encode(fit.currency, forKey: .currency)
        try container.encode(standing.map(StandingResource.init), forKey: .rfm)
        try container.encode(standing?.stage.code, forKey: .lifecycleStage)
        try container.encode(prediction?.probabilityAlive, forKey: .probabilityAlive)
        try container.encode(prediction?.churnRisk, forKey: .churnRisk)
        try container.encode(settings.horizonDays, forKey: .horizonDays)
        try container.encode(prediction?.expectedPurchases, forKey: .expectedPurchases)
        try container.encode(minor(prediction?.expectedAverageSpend), forKey: .expectedAverageSpendMinor)
        try container.encode(settings.months, forKey: .clvMonths)
        try container.encode(settings.monthlyDiscountRate, forKey: .discountRate)
        try container.encode(minor(prediction?.lifetimeValue), forKey: .clvMinor)
        try container.encode(prediction?.expectedNextPurchase, forKey: .expectedNextPurchase)
        try container.encode(ModelFitResource(fit: fit), forKey: .model)
    }
}

/// `GET /v1/analytics/churn-risk`.
struct ChurnRiskResource: Encodable {
    let asOf: PatronCore.CalendarDate
    let settings: PredictionSettings
    let fit: StoredModelFit
    let entries: [ChurnRiskEntry]

    private enum CodingKeys: String, CodingKey {
        case asOf = "as_of"
        case currency, model, data
        case clvMonths = "clv_months"
        case discountRate = "discount_rate"
    }

    private struct Entry: Encodable {
        let entry: ChurnRiskEntry
        let asOf: PatronCore.CalendarDate

        enum CodingKeys: String, CodingKey {
            case memberID = "member_id"
            case churnRisk = "churn_risk"
            case probabilityAlive = "probability_alive"
            case clvMinor = "clv_minor"
            case valueAtRiskMinor = "value_at_risk_minor"
            case orderCount = "order_count"
            case revenueMinor = "revenue_minor"
            case lastOrderDate = "last_order_date"
            case daysSinceLastOrder = "days_since_last_order"
        }

        func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(entry.totals.memberID, forKey: .memberID)
            try container.encode(entry.churnRisk, forKey: .churnRisk)
            try container.encode(entry.probabilityAlive, forKey: .probabilityAlive)
            try container.encode(minor(entry.lifetimeValue), forKey: .clvMinor)
            try container.encode(minor(entry.valueAtRisk), forKey: .valueAtRiskMinor)
            try container.encode(entry.totals.orderCount, forKey: .orderCount)
            try container.encode(entry.totals.revenueMinor, forKey: .revenueMinor)
            try container.encode(PatronCore.CalendarDate(daysSinceEpoch: entry.totals.lastDay), forKey: .lastOrderDate)
            try container.encode(asOf.daysSinceEpoch - entry.totals.lastDay, forKey: .daysSinceLastOrder)
        }
    }

    func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(asOf, forKey: .asOf)
        try container.encode(fit.currency, forKey: .currency)
        try container.encode(settings.months, forKey: .clvMonths)
        try container.encode(settings.monthlyDiscountRate, forKey: .discountRate)
        try container.encode(ModelFitResource(fit: fit), forKey: .model)
        try container.encode(entries.map { Entry(entry: $0, asOf: asOf) }, forKey: .data)
    }
}
