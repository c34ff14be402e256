import PatronAnalytics
import PatronCore

extension OpenAPIDocument {
    static let date: JSONValue = ["type": "string", "format": "date"]
    static let number: JSONValue = ["type": "number"]

    static func dateQuery(_ name: String, _ description: String, required: Bool = false) -> JSONValue {
        [
            "name": .string(name), "in": "query", "required": .bool(required), "schema": date,
            "description": .string(description),
        ]
    }

    static func numberQuery(_ name: String, _ type: String, _ description: String) -> JSONValue {
        [
            "name": .string(name), "in": "query", "required": false, "schema": ["type": .string(type)],
            "description": .string(description),
        ]
    }

    static let predictionParameters: [JSONValue] = [
        numberQuery("horizon_days", "integer", "Days over which expected purchases are counted (1–3650, default 90)."),
        numberQuery("months", "integer", "Months summed in the lifetime value (1–120, default 12)."),
        numberQuery("discount_rate", "number", "Monthly discount rate of the lifetime value (0–1, default 0.01)."),
    ]

    static let analyticsPaths: [String: JSONValue] = [
        "/v1/analytics/kpis": [
            "get": operation(
                "Customer KPIs of a period of local days: customers at start/end, new, lost, retention, churn, repurchase rate, purchase frequency, AOV, simple CLV, active-member rate, orders and revenue",
                scope: "reports:read",
                parameters: [
                    dateQuery("from", "First day of the period.", required: true),
                    dateQuery("to", "Last day of the period (included).", required: true),
                    numberQuery(
                        "lapse_days", "integer",
                        "A customer is active on a day when they ordered in the lapse_days days ending on it (1–3650, default 365)."
                    ),
                    numberQuery(
                        "gross_margin", "number", "Gross margin of the simple CLV, a fraction (0–1, default 1)."),
                    numberQuery(
                        "lifetime_years", "number", "Expected customer lifetime of the simple CLV (0–100, default 3)."),
                ],
                response: ref("KPIs"))
        ],
        "/v1/analytics/rfm": [
            "get": operation(
                "Every customer's RFM scores, segment and lifecycle stage at a reference date, as segment and stage counts and a page of members by id",
                scope: "reports:read",
                parameters: [
                    dateQuery("reference_date", "The day scored (default today); later orders are ignored."),
                    [
                        "name": "segment", "in": "query", "required": false,
                        "schema": .object(["enum": .array(RFMSegment.allCases.map { .string($0.code) })]),
                    ],
                    query("limit", "integer"), query("cursor", "string"),
                ],
                response: ref("RFMPage"))
        ],
        "/v1/analytics/cohorts": [
            "get": operation(
                "Retention by cohort of first-order month: for each later month, the cohort's customers who ordered in it",
                scope: "reports:read",
                parameters: [
                    dateQuery("from", "Cohorts from this day's month (default: 11 months before to's month)."),
                    dateQuery(
                        "to", "Cohorts through this day's month; activity is counted through this day (default today)."),
                ],
                response: ref("Cohorts"))
        ],
        "/v1/analytics/churn-risk": [
            "get": operation(
                "Members ranked by lifetime value at risk, CLV × (1 − P(alive)), from the fitted models (409 before the first fit)",
                scope: "reports:read",
                parameters: [
                    dateQuery("as_of", "Histories through this day (default today)."),
                    numberQuery("limit", "integer", "At most this many members (1–500, default 50)."),
                ] + predictionParameters,
                response: ref("ChurnRisk"))
        ],
        "/v1/analytics/model": [
            "get": operation(
                "The stored BG/NBD + Gamma-Gamma fit: parameters, when and over what data (409 before the first fit)",
                scope: "reports:read", response: ref("ModelFit"))
        ],
        "/v1/members/{member_id}/insights": [
            "get": operation(
                "A member's RFM standing, lifecycle stage, P(alive), churn risk, expected purchases, expected spend, CLV and expected next purchase, from the fitted models (409 before the first fit)",
                scope: "members:read",
                parameters: [path("member_id"), dateQuery("as_of", "Their history through this day (default today).")]
                    + predictionParameters,
                response: ref("Insights"))
        ],
    ]

    static let analyticsSchemas: [String: JSONValue] = [
        "KPIs": object([
            "from": date, "to": date, "lapse_days": integer, "currency": string, "customers_at_start": integer,
            "customers_at_end": integer, "new_customers": integer, "lost_customers": integer,
            "retention_rate": nullable(number), "churn_rate": nullable(number), "purchasing_customers": integer,
            "repeat_customers": integer, "repurchase_rate": nullable(number), "purchase_frequency": nullable(number),
            "order_count": integer, "revenue_minor": integer, "refunded_minor": integer,
            "average_order_value_minor": nullable(integer),
            "purchases_per_year": nullable(number), "gross_margin": number, "lifetime_years": number,
            "simple_clv_minor": nullable(integer), "members": integer, "active_member_rate": nullable(number),
        ]),
        "Standing": object([
            "member_id": string, "recency_days": integer, "frequency": integer, "monetary_minor": integer,
            "order_count": integer, "first_order_date": date, "last_order_date": date, "r": integer, "f": integer,
            "m": integer, "segment": .object(["enum": .array(RFMSegment.allCases.map { .string($0.code) })]),
            "segment_name": string,
            "lifecycle_stage": ["enum": ["new", "active", "dormant", "at_risk", "churned"]],
            "probability_alive": nullable(number),
        ]),
        "RFMPage": object([
            "reference_date": date, "currency": string, "customers": integer,
            "segments": [
                "type": "array", "items": object(["segment": string, "name": string, "customers": integer]),
            ],
            "lifecycle_stages": object([
                "new": integer, "active": integer, "dormant": integer, "at_risk": integer, "churned": integer,
            ]),
            "model_fitted_at": nullable(timestamp), "data": ["type": "array", "items": ref("Standing")],
            "next_cursor": nullable(string),
        ]),
        "Cohorts": object([
            "from": date, "to": date,
            "cohorts": [
                "type": "array",
                "items": object([
                    "month": string, "customers": integer,
                    "active_customers": ["type": "array", "items": integer],
                    "retention_rates": ["type": "array", "items": number],
                ]),
            ],
        ]),
        "ModelFit": object([
            "fit_id": string, "fitted_at": timestamp, "calibration_end": date, "utc_offset": string,
            "currency": string, "time_unit": ["enum": ["week", "day"]], "customers": integer,
            "repeat_customers": integer, "order_count": integer,
            "bgnbd": object([
                "r": number, "alpha": number, "a": number, "b": number, "log_likelihood": number,
                "iterations": integer, "gradient_norm": number, "converged": ["type": "boolean"],
            ]),
            "gamma_gamma": object([
                "p": number, "q": number, "gamma": number, "log_likelihood": number, "iterations": integer,
                "gradient_norm": number, "converged": ["type": "boolean"],
            ]),
        ]),
        "Insights": object([
            "member_id": string, "as_of": date, "currency": string, "rfm": nullable(ref("Standing")),
            "lifecycle_stage": nullable(string), "probability_alive": nullable(number),
            "churn_risk": nullable(number), "horizon_days": integer, "expected_purchases": nullable(number),
            "expected_average_spend_minor": nullable(integer), "clv_months": integer, "discount_rate": number,
            "clv_minor": nullable(integer), "expected_next_purchase": nullable(date), "model": ref("ModelFit"),
        ]),
        "ChurnRisk": object([
            "as_of": date, "currency": string, "clv_months": integer, "discount_rate": number,
            "model": ref("ModelFit"),
            "data": [
                "type": "array",
                "items": object([
                    "member_id": string, "churn_risk": number, "probability_alive": number, "clv_minor": integer,
                    "value_at_risk_minor": integer, "order_count": integer, "revenue_minor": integer,
                    "last_order_date": date, "days_since_last_order": integer,
                ]),
            ],
        ]),
    ]
}
