import OpenAPIKit
import PatronCore
import PatronStore

/// Surveys: invitations with signed links, answers, reports.
extension OpenAPIDocument {
    static var surveyPaths: [OpenAPI.Path: OpenAPI.PathItem] {
        let invitationID = pathID("invitation_id", "The invitation's id (inv_…).")
        let kinds = "nps (0–10), csat (1–5) or ces (1–7)"
        return [
            "/v1/surveys/invitations": .init(
                get: operation(
                    "Survey invitations, newest first", id: "listSurveyInvitations", scope: .feedbackRead,
                    parameters: [
                        query(
                            "member_id", text(maxLength: 64, nonBlank: true, required: false),
                            "Only this member's invitations."),
                        query("kind", cases(SurveyKind.self, required: false), "Only this kind of question."),
                        limit, cursor,
                    ],
                    answers: [.ok(page(of: .surveyInvitation))],
                    failures: [(.unprocessable, "A parameter is malformed.")]),
                post: operation(
                    "Invite a member to answer one question — \(kinds) — and get the signed, single-use link to "
                        + "send; a resolved ticket invites its member to a csat question by itself",
                    id: "inviteToSurvey", scope: .feedbackWrite, parameters: [idempotencyKey],
                    body: input([
                        "member_id": text(maxLength: 64, nonBlank: true),
                        "kind": cases(SurveyKind.self),
                        "order_id": text(maxLength: 128, required: false, description: "The order it asks about."),
                        "store_id": text(maxLength: 128, required: false),
                        "channel": text(
                            maxLength: 32, nonBlank: true, required: false,
                            description: "How the link is sent (email, sms, wechat, …), for reports by channel."),
                        "language": choice(
                            SurveyInvitationBasis.languages, required: false,
                            description: "The answer page's language; default zh."),
                        "expires_in_days": integer(
                            1, SurveySettings.maximumLinkDays, required: false,
                            description: "How long the link works; default the program's surveys.link_days (14)."),
                    ]),
                    answers: [
                        .created(ref(.surveyInvitation)), .ok(ref(.surveyInvitation), "A replay of the same request"),
                    ],
                    failures: [
                        (.gone, Failure.gone.meaning),
                        (.conflict, "The Idempotency-Key was used for another request."),
                        (.unprocessable, "A field is invalid, or member_id names no member."),
                    ])),
            "/v1/surveys/invitations/{invitation_id}": .init(
                get: operation(
                    "A survey invitation, its link and its answer", id: "getSurveyInvitation", scope: .feedbackRead,
                    parameters: [invitationID], answers: [.ok(ref(.surveyInvitation))],
                    failures: [(.notFound, "No invitation has this id.")])),
            "/v1/surveys/invitations/{invitation_id}/answer": .init(
                post: operation(
                    "Answer an invitation, once: the answer becomes feedback from the survey channel (an NPS answer "
                        + "its score, a CSAT answer its rating), assessed and opening a ticket as any feedback; the "
                        + "same answer again answers 200",
                    id: "answerSurvey", scope: .feedbackWrite, forMember: true, parameters: [invitationID],
                    body: input([
                        "value": integer(0, 10, description: "On the question's scale: \(kinds)."),
                        "comment": text(
                            maxLength: FeedbackSubmission.maximumTextLength, required: false,
                            description: "Why; the words are kept as the feedback's text."),
                    ]),
                    answers: [
                        .created(ref(.surveyInvitation)), .ok(ref(.surveyInvitation), "The same answer again"),
                    ],
                    failures: [
                        (.notFound, "No invitation has this id (or it is another member's)."),
                        (.conflict, "The invitation was answered already, with a different answer."),
                        (.gone, "The link has expired, or the member was erased."),
                        (.unprocessable, "The value is off the question's scale, or a field is invalid."),
                    ])),
            "/v1/analytics/listening": .init(
                get: operation(
                    "A period's listening: feedback, complaints (high and urgent) and their rate per 1,000 orders, "
                        + "tickets opened with their first response and resolution times (median and 90th "
                        + "percentile, in calendar and working minutes) and targets met, and the top topics",
                    id: "listeningReport", scope: .reportsRead,
                    parameters: [
                        dateQuery("from", "First day (the program's time zone).", required: true),
                        dateQuery("to", "Last day.", required: true),
                        query(
                            "by", cases(ListeningGrouping.self, required: false),
                            "Per store, or per channel the feedback came by (which has no complaint rate)."),
                    ],
                    answers: [.ok(ref(.listeningReport))], failures: [(.unprocessable, "A parameter is malformed.")])),
            "/v1/analytics/closed-loop": .init(
                get: operation(
                    "The closed loop over feedback received in a period: detractors (0–6) answered by a person within "
                        + "the first-response target, detractors who later scored 7 or more, and how often "
                        + "complainants bought again within repurchase_days with their ticket resolved and without",
                    id: "closedLoopReport", scope: .reportsRead,
                    parameters: [
                        dateQuery("from", "First day (the program's time zone).", required: true),
                        dateQuery("to", "Last day.", required: true),
                        query(
                            "repurchase_days", integer(1, 3_650, required: false),
                            "Days after the complaint a purchase counts (default 90)."),
                    ],
                    answers: [.ok(ref(.closedLoop))], failures: [(.unprocessable, "A parameter is malformed.")])),
            "/v1/analytics/loyalty-matrix": .init(
                get: operation(
                    "Dick & Basu's loyalty matrix: members who bought and answered within the year, by attitude (a "
                        + "promoter's score or 4–5 stars, latest answer) and behaviour (mean RFM quintile score 3.5 or "
                        + "more) — true, latent, spurious (buys but is unhappy: at risk) and none — with the counts "
                        + "compare_days before and the moves between quadrants",
                    id: "loyaltyMatrix", scope: .reportsRead,
                    parameters: [
                        dateQuery("as_of", "The day (default today, in the program's time zone)."),
                        query(
                            "compare_days", integer(1, 3_650, required: false),
                            "Days before as_of to compare with (default 90)."),
                    ],
                    answers: [.ok(ref(.loyaltyMatrix))], failures: [(.unprocessable, "A parameter is malformed.")])),
            "/v1/analytics/loyalty-matrix/members": .init(
                get: operation(
                    "The members of one quadrant of the loyalty matrix, by id", id: "loyaltyMatrixMembers",
                    scope: .reportsRead,
                    parameters: [
                        query("quadrant", cases(LoyaltyQuadrant.self), "The quadrant.", required: true),
                        dateQuery("as_of", "The day (default today)."), limit, cursor,
                    ],
                    answers: [.ok(page(of: .loyaltyMatrixMember))],
                    failures: [(.unprocessable, "A parameter is malformed.")])),
            "/v1/surveys/report": .init(
                get: operation(
                    "One kind of question over invitations made in a period: response rate, the spread of answers, "
                        + "and the headline with a 95% interval — NPS (promoters 9–10 minus detractors 0–6), or the "
                        + "share satisfied (CSAT 4–5) or finding it easy (CES 5–7)",
                    id: "surveyReport", scope: .reportsRead,
                    parameters: [
                        query("kind", cases(SurveyKind.self), "The kind of question.", required: true),
                        dateQuery("from", "First day of the period (the program's time zone).", required: true),
                        dateQuery("to", "Last day of the period.", required: true),
                        query(
                            "by", cases(SurveyGrouping.self, required: false),
                            "Group by the member's tier now, the store, the channel, the month of the invitation, or the "
                                + "member's RFM segment at the period's last day."),
                    ],
                    answers: [.ok(ref(.surveyReport))], failures: [(.unprocessable, "A parameter is malformed.")])),
        ]
    }

    static var surveySchemas: [SchemaName: JSONSchema] {
        let share = number(0, 1, nullable: true)
        let minutes = number(0, nullable: true)
        let durations = object([
            "count": count(), "median_minutes": minutes, "p90_minutes": minutes, "working_median_minutes": minutes,
            "working_p90_minutes": minutes,
        ])
        let attainment = object(["met": count(), "missed": count(), "share": share])
        let quadrantCounts = counts(of: LoyaltyQuadrant.self)
        return [
            .listeningReport: object([
                "from": date(), "to": date(), "by": cases(ListeningGrouping.self, nullable: true),
                "groups": list(
                    object([
                        "group": output(nullable: true), "feedback": count(), "complaints": count(),
                        "urgent": count(), "orders": count(nullable: true),
                        "complaints_per_1000_orders": number(0, nullable: true), "tickets_opened": count(),
                        "first_response": durations, "resolution": durations,
                        "first_response_targets": attainment, "resolution_targets": attainment,
                        "top_topics": list(
                            object([
                                "topic": output(), "count": count(),
                                "negative": count(description: "Of those, items whose text read negative."),
                                "mean_score": number(
                                    -1, 1, nullable: true,
                                    description: "Mean sentiment of those with text; null when none had text."),
                                "previous_count": count(
                                    description: "Mentions in the period before, as long as this one."),
                            ]),
                            description: "Urgent topics, text topics and tags, most mentioned first, at most ten."),
                    ])),
            ]),
            .loyaltyMatrixMember: object(["member_id": output()]),
            .loyaltyMatrix: object([
                "as_of": date(), "counts": quadrantCounts, "without_attitude": count(),
                "compared_with": date(), "counts_then": quadrantCounts,
                "movement": list(
                    object([
                        "from": cases(LoyaltyQuadrant.self), "to": cases(LoyaltyQuadrant.self), "members": count(),
                    ])),
            ]),
            .closedLoop: object([
                "from": date(), "to": date(), "detractors": count(), "contacted_in_time": count(),
                "recovered": count(), "closed_loop_rate": share, "recovery_rate": share,
                "repurchase_days": count(), "resolved_complainants": count(), "resolved_repurchased": count(),
                "unresolved_complainants": count(), "unresolved_repurchased": count(),
                "repurchase_after_resolution": share, "repurchase_without_resolution": share,
            ]),
            .surveyInvitation: object([
                "invitation_id": output(), "member_id": output(), "kind": cases(SurveyKind.self),
                "reason": cases(SurveyReason.self), "order_id": output(nullable: true),
                "ticket_id": output(nullable: true), "store_id": output(nullable: true),
                "channel": output(nullable: true), "language": choice(SurveyInvitationBasis.languages),
                "created_by": output(), "created_at": timestamp(), "expires_at": timestamp(),
                "answered_at": timestamp(nullable: true), "answer_value": integer(0, 10, nullable: true),
                "feedback_id": output(nullable: true, description: "The feedback item the answer became."),
                "url": output(description: "The answer page: a signed link that works until expires_at, once."),
            ]),
            .surveyReport: object([
                "kind": cases(SurveyKind.self), "from": date(), "to": date(),
                "by": cases(SurveyGrouping.self, nullable: true),
                "groups": list(
                    object([
                        "group": output(nullable: true, description: "Null for everyone, or a group without a value."),
                        "invited": count(), "answered": count(), "response_rate": share,
                        "counts": list(object(["value": count(), "answers": count()])),
                        "mean": number(nullable: true),
                        "score": number(
                            -100, 100, nullable: true,
                            description: "NPS in points (−100 to 100), or the favourable share in percent."),
                        "interval": object(
                            ["low": number(-100, 100), "high": number(-100, 100)], nullable: true,
                            description: "95%: normal approximation for NPS, Wilson's for the shares."),
                        "favourable_share": share, "middle_share": share, "unfavourable_share": share,
                    ])),
            ]),
        ]
    }
}
