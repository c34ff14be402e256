import OpenAPIKit
import PatronAnalytics
import PatronCore

/// Customer analytics over the stored orders.
extension OpenAPIDocument {
    static func dateQuery(_ name: String, _ description: String, required: Bool = false) -> OpenAPI.Parameter {
        query(name, date(required: required), description, required: required)
    }

    static let predictionParameters: [OpenAPI.Parameter] = [
        query(
            "horizon_days", integer(1, 3650, required: false), "Days over which expected purchases count (default 90)."),
        query("months", integer(1, 120, required: false), "Months summed in the lifetime value (default 12)."),
        query(
            "discount_rate", number(0, 1, required: false),
            "Monthly discount rate of the lifetime value (default 0.01)."),
    ]

    static var analyticsPaths: [OpenAPI.Path: OpenAPI.PathItem] {
        let noFit = (Failure.conflict, "No model has been fitted yet, or there is not enough data to fit one.")
        let badQuery = (Failure.unprocessable, "A query parameter is invalid, or `to` is before `from`.")
        return [
            "/v1/analytics/kpis": .init(
                get: operation(
                    "Customer KPIs of a period of local days", id: "customerKPIs", scope: .reportsRead,
                    parameters: [
                        dateQuery("from", "First day of the period.", required: true),
                        dateQuery("to", "Last day of the period (included).", required: true),
                        query(
                            "lapse_days", integer(1, 3650, required: false),
                            "A customer is active when they ordered in the lapse_days days before (default 365)."),
                        query(
                            "gross_margin", number(0, 1, required: false), "Gross margin of the simple CLV (default 1)."
                        ),
                        query(
                            "lifetime_years", number(0, 100, required: false),
                            "Expected customer lifetime of the simple CLV (default 3)."),
                    ], answers: [.ok(ref(.kpis))], failures: [badQuery])),
            "/v1/analytics/rfm": .init(
                get: operation(
                    "Every customer's RFM scores, segment and lifecycle stage at a reference date", id: "rfm",
                    scope: .reportsRead,
                    parameters: [
                        dateQuery("reference_date", "The day scored (default today)."),
                        query(
                            "segment", choice(RFMSegment.allCases.map(\.code), required: false), "Only this segment."),
                        limit, cursor,
                    ], answers: [.ok(ref(.rfmPage))], failures: [badQuery])),
            "/v1/analytics/cohorts": .init(
                get: operation(
                    "Retention by cohort of first-order month", id: "cohorts", scope: .reportsRead,
                    parameters: [
                        dateQuery("from", "Cohorts from this day's month (default 11 months before to's month)."),
                        dateQuery("to", "Cohorts through this day's month (default today)."),
                    ], answers: [.ok(ref(.cohorts))], failures: [badQuery])),
            "/v1/analytics/churn-risk": .init(
                get: operation(
                    "Members ranked by lifetime value at risk, CLV × (1 − P(alive)), from the fitted models",
                    id: "churnRisk", scope: .reportsRead,
                    parameters: [dateQuery("as_of", "Histories through this day (default today)."), limit]
                        + predictionParameters, answers: [.ok(ref(.churnRisk))], failures: [noFit, badQuery])),
            "/v1/analytics/global-control": .init(
                get: operation(
                    "Members the program's marketing may reach against its global control group, which it never "
                        + "does: who ordered in the last `days` and what they spent, and the difference",
                    id: "globalControlLift", scope: .reportsRead,
                    parameters: [
                        query("days", integer(1, 365, required: false), "The window, ending now (default 30).")
                    ],
                    answers: [.ok(ref(.globalControlLift))], failures: [badQuery])),
            "/v1/analytics/model": .init(
                get: operation(
                    "The stored BG/NBD + Gamma-Gamma fit", id: "modelFit", scope: .reportsRead,
                    answers: [.ok(ref(.modelFit))], failures: [noFit])),
            "/v1/members/{member_id}/insights": .init(
                get: operation(
                    "A member's RFM standing, lifecycle stage, P(alive), churn risk, expected purchases and CLV",
                    id: "memberInsights", scope: .membersRead,
                    parameters: [memberID, dateQuery("as_of", "Their history through this day (default today).")]
                        + predictionParameters, answers: [.ok(ref(.insights))],
                    failures: [(.notFound, "No member has this id."), noFit, badQuery])),
        ]
    }

    /// How a model's fit ended.
    static func withConvergence(
        _ parameters: OrderedDictionary<String, JSONSchema>
    ) -> OrderedDictionary<String, JSONSchema> {
        var fields = parameters
        fields["log_likelihood"] = number()
        fields["iterations"] = count()
        fields["gradient_norm"] = number()
        fields["converged"] = boolean()
        return fields
    }

    static var analyticsSchemas: [SchemaName: JSONSchema] {
        let rate = number(nullable: true)
        let stage = choice(["new", "active", "dormant", "at_risk", "churned"])
        return [
            .kpis: object([
                "from": date(), "to": date(), "lapse_days": count(), "currency": output(),
                "customers_at_start": count(),
                "customers_at_end": count(), "new_customers": count(), "lost_customers": count(),
                "retention_rate": rate, "churn_rate": rate, "purchasing_customers": count(),
                "repeat_customers": count(), "repurchase_rate": rate, "purchase_frequency": rate,
                "order_count": count(), "revenue_minor": count(), "refunded_minor": count(),
                "average_order_value_minor": count(nullable: true),
                "purchases_per_year": rate, "gross_margin": number(), "lifetime_years": number(),
                "simple_clv_minor": count(nullable: true), "members": count(), "active_member_rate": rate,
            ]),
            .standing: object([
                "member_id": output(), "recency_days": count(), "frequency": count(), "monetary_minor": count(),
                "order_count": count(), "first_order_date": date(), "last_order_date": date(), "r": count(),
                "f": count(), "m": count(), "segment": choice(RFMSegment.allCases.map(\.code)),
                "segment_name": output(), "lifecycle_stage": stage, "probability_alive": rate,
            ]),
            .rfmPage: object([
                "reference_date": date(), "currency": output(), "customers": count(),
                "segments": list(object(["segment": output(), "name": output(), "customers": count()])),
                "lifecycle_stages": object([
                    "new": count(), "active": count(), "dormant": count(), "at_risk": count(), "churned": count(),
                ]),
                "model_fitted_at": timestamp(nullable: true), "data": list(ref(.standing)),
                "next_cursor": output(nullable: true),
            ]),
            .cohorts: object([
                "from": date(), "to": date(),
                "cohorts": list(
                    object([
                        "month": output(), "customers": count(), "active_customers": list(count()),
                        "retention_rates": list(number()),
                    ])),
            ]),
            .modelFit: object([
                "fit_id": output(), "fitted_at": timestamp(), "calibration_end": date(), "utc_offset": output(),
                "currency": output(), "time_unit": choice(["week", "day"]), "customers": count(),
                "repeat_customers": count(), "order_count": count(),
                "bgnbd": object(withConvergence(["r": number(), "alpha": number(), "a": number(), "b": number()])),
                "gamma_gamma": object(withConvergence(["p": number(), "q": number(), "gamma": number()])),
            ]),
            .insights: object([
                "member_id": output(), "as_of": date(), "currency": output(), "rfm": orNull(ref(.standing)),
                "lifecycle_stage": choice(["new", "active", "dormant", "at_risk", "churned"], nullable: true),
                "probability_alive": rate, "churn_risk": rate, "horizon_days": count(), "expected_purchases": rate,
                "expected_average_spend_minor": count(nullable: true), "clv_months": count(),
                "discount_rate": number(), "clv_minor": count(nullable: true),
                "expected_next_purchase": date(nullable: true),
                "model": ref(.modelFit),
            ]),
            .churnRisk: object([
                "as_of": date(), "currency": output(), "clv_months": count(), "discount_rate": number(),
                "model": ref(.modelFit),
                "data": list(
                    object([
                        "member_id": output(), "churn_risk": number(), "probability_alive": number(),
                        "clv_minor": count(), "value_at_risk_minor": count(), "order_count": count(),
                        "revenue_minor": count(), "last_order_date": date(), "days_since_last_order": count(),
                    ])),
            ]),
        ]
    }
}
