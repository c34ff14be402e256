import OpenAPIKit
import PatronCore

/// The loyalty program, its earning rules and the simulator.
extension OpenAPIDocument {
    static var programPaths: [OpenAPI.Path: OpenAPI.PathItem] {
        let ruleID = OpenAPI.Parameter.path(
            name: "rule_id", schema: .string(minLength: 1, maxLength: 64, pattern: anyText),
            description: "The rule's id.")
        let invalidProgram =
            "A field is invalid, or the parts disagree: active_to after active_from, tier thresholds rising from 0 "
            + "with unique tier ids, rule ids unique, the kind's own fields present (see Rule)."
        let stale = (Failure.preconditionFailed, Failure.preconditionFailed.meaning)
        return [
            "/v1/program": .init(
                get: operation(
                    "The loyalty program in force and its version", id: "getProgram", scope: .programWrite,
                    answers: [Success.ok(ref(.programVersion)).versioned]),
                put: operation(
                    "Replace the program (omitted fields take the standard values); stored as a new version",
                    id: "replaceProgram", scope: .programWrite, parameters: [ifMatch], body: ref(.program),
                    answers: [Success.ok(ref(.programVersion)).versioned],
                    failures: [stale, (.unprocessable, invalidProgram)])),
            "/v1/rules": .init(
                get: operation(
                    "The earning rules in force", id: "listRules", scope: .programWrite,
                    answers: [Success.ok(object(["version": count(), "data": list(ref(.ruleOutput))])).versioned])),
            "/v1/rules/{rule_id}": .init(
                put: operation(
                    "Create (201) or replace (200) one earning rule; the id in the path wins", id: "putRule",
                    scope: .programWrite, parameters: [ruleID, ifMatch], body: ref(.rule),
                    answers: [
                        Success.created(object(["version": count(), "rule": ref(.ruleOutput)])).versioned,
                        Success.ok(object(["version": count(), "rule": ref(.ruleOutput)]), "Replaced").versioned,
                    ], failures: [stale, (.unprocessable, invalidProgram)]),
                delete: operation(
                    "Remove an earning rule", id: "deleteRule", scope: .programWrite, parameters: [ruleID, ifMatch],
                    answers: [Success(status: 204, description: "Removed", schema: nil).versioned],
                    failures: [stale, (.notFound, "No rule has this id.")])),
            "/v1/rules/simulate": .init(
                post: operation(
                    "What an order (the POST /v1/orders shape, order_id optional) would earn, and why; writes nothing",
                    id: "simulateOrder", scope: .ordersRead, body: ref(.simulationInput),
                    answers: [.ok(ref(.simulation))],
                    failures: [
                        (.unprocessable, "As for POST /v1/orders: a field is invalid or the amounts do not add up.")
                    ])),
        ]
    }

    /// The fields of a rule; `ruleID` is required in a program's list and taken from the path otherwise.
    static func ruleFields(ruleID: JSONSchema) -> OrderedDictionary<String, JSONSchema> {
        let positive = integer(1, required: false)
        let list = list(text(maxLength: 1024), required: false)
        return [
            "rule_id": ruleID, "name": text(maxLength: 1024, required: false),
            "kind": cases(EarningRule.Kind.self), "priority": integer(required: false),
            "stacking": cases(EarningRule.Stacking.self, required: false), "points": positive,
            "per_minor": positive, "rounding": cases(EarningRule.Rounding.self, required: false),
            "factor": number(0, 100, required: false, description: "A multiplier (at least 1 but for base rules)."),
            "match": input(["skus": list, "categories": list, "channels": list, "stores": list], required: false),
            "minimum_minor": positive, "event": text(maxLength: 1024, required: false),
            "active_from": instant(required: false), "active_to": instant(required: false),
            "pending_days": integer(0, 3650, required: false), "pending_until_return_window": boolean(required: false),
            "caps": input(
                ["per_member_per_day": positive, "per_member_per_month": positive, "total": positive], required: false),
        ]
    }

    /// Each kind's own required fields.
    static var ruleKinds: JSONSchema {
        func kind(_ kind: EarningRule.Kind, _ fields: OrderedDictionary<String, JSONSchema> = [:]) -> JSONSchema {
            var properties = fields
            properties["kind"] = .string(allowedValues: [AnyCodable(kind.rawValue)])
            return .object(properties: properties)
        }
        let points: JSONSchema = .integer
        let atLeastOne = JSONSchema.number(minimum: (1, exclusive: false))
        let optionalFactor = orNull(atLeastOne, required: false)
        return .one(of: [
            kind(.pointsPerCurrencyUnit, ["points": points]),
            kind(.multiplier, ["factor": atLeastOne, "match": .object]),
            kind(.tierMultiplier, ["factor": optionalFactor]),
            kind(
                .amountBonus, ["points": points, "minimum_minor": points, "factor": optionalFactor]),
            kind(.firstOrderBonus, ["points": points, "factor": optionalFactor]),
            kind(.birthdayMonthMultiplier, ["factor": atLeastOne]),
            kind(
                .activity,
                ["points": points, "event": .string(minLength: 1), "factor": optionalFactor]),
        ])
    }

    /// A fixed_date evaluation names a day every year has (not 29 February).
    static var fixedDate: JSONSchema {
        func days(_ months: [Int], _ last: Int) -> JSONSchema {
            .object(properties: [
                "on": .string(allowedValues: "fixed_date"),
                "month": .integer(allowedValues: months.map { AnyCodable($0) }),
                "day": .integer(maximum: (last, exclusive: false)),
            ])
        }
        return .any(of: [
            .object(properties: ["on": .string(allowedValues: "anniversary")]), days([1, 3, 5, 7, 8, 10, 12], 31),
            days([4, 6, 9, 11], 30), days([2], 28),
        ])
    }

    static var programSchemas: [SchemaName: JSONSchema] {
        let ruleID = JSONSchema.string(minLength: 1, maxLength: 64, pattern: anyText)
        var ruleOutput = ruleFields(ruleID: output())
        ruleOutput["priority"] = count()
        ruleOutput["stacking"] = cases(EarningRule.Stacking.self)
        let level = input([
            "tier_id": .string(minLength: 1, maxLength: 64, pattern: anyText), "name": ref(.localizedName),
            "threshold": integer(0), "multiplier": number(0, 100),
            "benefits": list(text(maxLength: 1024), required: false),
        ])
        let program = input([
            "currency": choice(Currency.codes, required: false),
            "utc_offset": pattern(
                #"^(Z|[+-](0[0-9]|1[0-4]):[0-5][0-9])$"#, required: false),
            "expiry": .all(
                of: [
                    input([
                        "policy": choice(["never", "days_after_earning", "end_of_month", "end_of_year"]),
                        "days": integer(required: false), "months": integer(required: false),
                    ]),
                    .one(of: [
                        .object(properties: ["policy": .string(allowedValues: "never")]),
                        .object(properties: [
                            "policy": .string(allowedValues: "days_after_earning"), "days": integer(1, 36_500),
                        ]),
                        .object(properties: [
                            "policy": .string(allowedValues: "end_of_month", "end_of_year"), "months": integer(0, 1200),
                        ]),
                    ]),
                ], core: .init(required: false, description: "days counts for days_after_earning, months otherwise")),
            "return_window_days": integer(0, 3650, required: false),
            "refund_policy": cases(RefundPolicy.self, required: false),
            "expiring_soon_days": integer(1, 3650, required: false),
            "rules": list(.all(of: [input(ruleFields(ruleID: ruleID)), ruleKinds]), required: false),
            "referral": ref(.referralProgram, required: false),
            "birthday_reward": ref(.grant, required: false),
            "retention": input(
                [
                    "event_months": integer(0, 120, required: false),
                    "inactive_member_years": integer(0, 50, required: false),
                    "order_line_years": integer(0, 50, required: false),
                    "feedback_text_years": integer(0, 50, required: false),
                ],
                required: false,
                description:
                    "How long data is kept; 0 keeps it for ever. Events are deleted event_months after they happened, "
                    + "members without activity for inactive_member_years are anonymised, order lines are summed "
                    + "into monthly product totals order_line_years after the order, feedback's text and contact are "
                    + "removed feedback_text_years after it was given."),
            "service": input(
                [
                    "calendar": input(
                        [
                            "utc_offset": pattern(#"^(Z|[+-](0[0-9]|1[0-4]):[0-5][0-9])$"#, required: false),
                            "hours": input(
                                serviceHours,
                                description:
                                    "Working spans per weekday (mon … sun), such as 09:00-18:00; 24:00 ends the day. "
                                    + "Spans of a day do not overlap; at least one weekday has hours."),
                            "holidays": list(date(), maxItems: 3_660, required: false),
                            "working_days": list(
                                date(), maxItems: 3_660, required: false,
                                description: "Days worked though their weekday is not, with a Monday's hours."),
                        ], required: false,
                        description: "When the service team works; targets count only these hours. Default: always."),
                    "sla": input(
                        serviceTargets, required: false,
                        description:
                            "Targets per priority in working minutes (default urgent 120 first response, normal "
                            + "1440), and the share of a target after which a warning fires (default 0.8)."),
                    "routing": list(
                        input([
                            "queue": text(maxLength: 64, nonBlank: true),
                            "stores": list(text(maxLength: 128), required: false),
                            "topics": list(text(maxLength: 64), required: false),
                        ]), maxItems: TicketRoute.maximumRoutes, required: false,
                        description:
                            "Which queue a new ticket goes to: the first route whose stores and urgent topics both "
                            + "match (an empty or absent list matches anything); else service."),
                    "reopen_days": integer(
                        0, 365, required: false,
                        description:
                            "Days a resolved ticket waits for the customer, whose message reopens it, before it "
                            + "closes (default 7)."),
                    "acknowledgement": input(
                        [
                            "zh": text(maxLength: ServiceSettings.maximumAcknowledgementLength, nonBlank: true),
                            "en": text(maxLength: ServiceSettings.maximumAcknowledgementLength, nonBlank: true),
                        ], required: false,
                        description:
                            "Told once to the customer whose feedback opens a ticket, in their language; {ticket_id} "
                            + "stands for the ticket's id. null sends none; absent keeps the standard text."),
                ], required: false),
            "surveys": input(
                [
                    "after_order": input(
                        [
                            "kind": cases(SurveyKind.self), "days": integer(0, 365, required: false),
                            "share": number(0, 1, required: false),
                        ], required: false,
                        description:
                            "Invite a share of buyers (default all; which orders is fixed by their ids) to a "
                            + "question days after their order (default 3). Absent or null: off."),
                    "member_interval_days": integer(
                        0, 3_650, required: false,
                        description:
                            "A member asked by a sampled or relationship survey is not asked by one again for this "
                            + "many days (default 90)."),
                    "link_days": integer(
                        1, SurveySettings.maximumLinkDays, required: false,
                        description: "How long the links of invitations Patron makes work (default 14)."),
                ], required: false),
            "messaging": input(
                [
                    "quiet_hours": input(
                        [
                            "start": pattern(#"^([01][0-9]|2[0-3]):[0-5][0-9]$"#),
                            "end": pattern(#"^([01][0-9]|2[0-3]):[0-5][0-9]$"#),
                        ], required: false,
                        description:
                            "A daily window in the program's time zone in which no marketing message goes out; those "
                            + "due inside it wait until it ends. start after end runs over midnight. Default "
                            + "21:00-08:00; null: none. start and end differ."),
                    "marketing_per_day": integer(
                        0, 100, required: false,
                        description:
                            "Marketing messages one member may get in any 24 hours, on all channels (default 1)."),
                    "marketing_per_week": integer(
                        0, 100, required: false,
                        description: "Marketing messages one member may get in any 7 days (default 3)."),
                    "sms_opt_out": text(
                        maxLength: 40, required: false,
                        description: "Added to every marketing SMS that lacks it (default 拒收请回复R)."),
                    "triggers": list(
                        input([
                            "trigger_id": pattern("^[A-Za-z0-9_-]{1,64}$"),
                            "kind": cases(MessageTrigger.Kind.self),
                            "template_id": text(maxLength: 64, nonBlank: true),
                            "channels": list(
                                cases(MessageChannel.self), maxItems: MessageChannel.allCases.count, required: false),
                            "days": integer(0, MessageTrigger.maximumDays, required: false),
                            "segment_id": text(maxLength: 64, required: false),
                            "p_alive_below": number(
                                required: false, description: "predictive_win_back: above 0, below 1 (default 0.5)."),
                            "value_top_percent": number(
                                required: false,
                                description: "predictive_win_back: above 0, at most 100 (default 30)."),
                            "reward": ref(.grant, required: false),
                        ]), maxItems: MessageTrigger.maximumTriggers, required: false,
                        description:
                            "Messages sent by themselves, once per occurrence: welcome (days after joining), "
                            + "points_expiring and coupon_expiring (days before, at least 1), tier_upgraded, "
                            + "tier_downgraded, post_purchase and feedback_resolved (days after), inactivity (when "
                            + "the last order is days old, at least 1), predictive_win_back (once a day: P(alive) "
                            + "below p_alive_below and lifetime value in the top value_top_percent of customers), "
                            + "birthday (once a day, days before) and anniversary (once a day, days after joining); "
                            + "only to the segment's members when segment_id is given. Trigger ids and each "
                            + "trigger's channels are unique."),
                    "global_control": input(
                        [
                            "percent": number(0, GlobalControl.maximumPercent),
                            "salt": text(maxLength: 64, nonBlank: true, required: false),
                        ], required: false,
                        description:
                            "A stable share of members sent no marketing, to measure the program against "
                            + "(default 0: off)."),
                ], required: false),
            "feedback": input(
                [
                    "urgent_terms": list(
                        input([
                            "topic": text(maxLength: 64, nonBlank: true),
                            "terms": list(text(maxLength: 64, nonBlank: true), minItems: 1, maxItems: 200),
                        ]), maxItems: 50, required: false,
                        description:
                            "Terms that make feedback urgent, by topic; a term in Latin letters matches whole words, "
                            + "one in Chinese anywhere. Topics are unique.")
                ], required: false),
            "tiers": input(
                [
                    "basis": choice(["qualifying_spend", "points_earned"], required: false),
                    "window_months": integer(1, 60, required: false),
                    "evaluation": .all(
                        of: [
                            input([
                                "on": choice(["anniversary", "fixed_date"]), "month": integer(1, 12, required: false),
                                "day": integer(1, 31, required: false),
                            ]),
                            fixedDate,
                        ], core: .init(required: false)),
                    "grace_days": integer(0, 3650, required: false),
                    "downgrade_steps": integer(0, required: false),
                    "levels": .array(
                        required: false, description: "Thresholds rise from 0; tier ids are unique.", minItems: 1,
                        prefixItems: [.object(properties: ["threshold": .integer(allowedValues: 0)])], items: level),
                ], required: false),
        ])
        return [
            .rule: .all(of: [input(ruleFields(ruleID: ruleID.optionalSchemaObject())), ruleKinds]),
            .ruleOutput: object(ruleOutput), .tierLevel: level, .program: program,
            .programVersion: object(["version": count(), "program": ref(.program)]),
            .localizedName: input(["zh": text(maxLength: 1024), "en": text(maxLength: 1024)]),
            .simulation: object([
                "points": count(), "tier": output(),
                "awards": list(
                    object([
                        "rule_id": output(), "points": count(), "reason": output(), "pending_days": count(),
                        "points_by_line": list(count()),
                    ])),
                "lines": list(object(["sku": output(), "points": count()])),
            ]),
        ]
    }

    /// Working spans per weekday, as the program's service calendar takes them.
    static var serviceHours: OrderedDictionary<String, JSONSchema> {
        var hours = OrderedDictionary<String, JSONSchema>()
        let span = pattern(#"^([01][0-9]|2[0-3]):[0-5][0-9]-(([01][0-9]|2[0-3]):[0-5][0-9]|24:00)$"#)
        for weekday in BusinessCalendar.Weekday.allCases {
            hours[weekday.rawValue] = list(span, maxItems: 6, required: false)
        }
        return hours
    }

    /// Targets per priority and the warning share, as the program's service levels take them.
    static var serviceTargets: OrderedDictionary<String, JSONSchema> {
        var targets = OrderedDictionary<String, JSONSchema>()
        for priority in TicketPriority.allCases {
            targets[priority.rawValue] = input(
                [
                    "first_response_minutes": integer(1, 525_600, required: false),
                    "next_response_minutes": integer(1, 525_600, required: false),
                    "resolution_minutes": integer(1, 525_600, required: false),
                ], required: false)
        }
        targets["warning_share"] = .number(
            required: false, maximum: (1, exclusive: true), minimum: (0, exclusive: true))
        return targets
    }
}
