import OpenAPIKit
import PatronAnalytics
import PatronCore

/// Saved segments of members and who is in them.
extension OpenAPIDocument {
    static var segmentPaths: [OpenAPI.Path: OpenAPI.PathItem] {
        let segmentID = OpenAPI.Parameter.path(
            name: "segment_id", schema: .string(minLength: 1, maxLength: 64, pattern: "^[A-Za-z0-9_-]+$"),
            description: "The segment's id, chosen by the shop.")
        let missing = (Failure.notFound, "No segment has this id.")
        let stale = (Failure.preconditionFailed, "If-Match names another version of the segment.")
        let invalid = (
            Failure.unprocessable,
            "The rule is invalid: a field's keys (see SegmentCondition), a tier the program lacks, an unknown RFM "
                + "segment or lifecycle stage, min above max, or more than 100 parts or 8 levels."
        )
        let version = "The segment's version"
        return [
            "/v1/segments": .init(
                get: operation(
                    "Every segment in force, by id", id: "listSegments", scope: .reportsRead,
                    answers: [.ok(object(["data": list(ref(.segment)), "next_cursor": output(nullable: true)]))])),
            "/v1/segments/preview": .init(
                post: operation(
                    "How many members a rule selects now, and the first 20 by id; saves nothing",
                    id: "previewSegment", scope: .reportsRead,
                    body: input([
                        "name": text(
                            maxLength: SegmentDefinition.maximumNameLength, nonBlank: true, required: false),
                        "rule": ref(.segmentRule),
                    ]),
                    answers: [.ok(ref(.segmentMembers))], failures: [invalid])),
            "/v1/segments/{segment_id}": .init(
                get: operation(
                    "A segment's version in force", id: "getSegment", scope: .reportsRead, parameters: [segmentID],
                    answers: [Success.ok(ref(.segment)).tagged(by: version)], failures: [missing]),
                put: operation(
                    "Create a segment (201) or save a new version of it (200); earlier versions are kept",
                    id: "saveSegment", scope: .campaignsWrite, parameters: [segmentID, ifMatch],
                    body: ref(.segmentInput),
                    answers: [
                        Success.created(ref(.segment)).tagged(by: version),
                        Success.ok(ref(.segment), "Saved as a new version").tagged(by: version),
                    ], failures: [stale, invalid]),
                delete: operation(
                    "Remove a segment (its versions are kept)", id: "removeSegment", scope: .campaignsWrite,
                    parameters: [segmentID, ifMatch],
                    answers: [Success(status: 204, description: "Removed", schema: nil)],
                    failures: [missing, stale])),
            "/v1/segments/{segment_id}/members": .init(
                get: operation(
                    "Who is in the segment now, by member id, and how many", id: "listSegmentMembers",
                    scope: .reportsRead, parameters: [segmentID, limit, cursor], answers: [.ok(ref(.segmentMembers))],
                    failures: [missing, (.unprocessable, "`limit` or `cursor` is malformed.")])),
        ]
    }

    static var segmentSchemas: [SchemaName: JSONSchema] {
        let days = integer(1, SegmentDefinition.maximumDays, required: false)
        let names = list(text(maxLength: 128, nonBlank: true), minItems: 1, maxItems: 100, required: false)
        return [
            .segmentInput: input([
                "name": text(maxLength: SegmentDefinition.maximumNameLength, nonBlank: true),
                "rule": ref(.segmentRule),
            ]),
            .segmentRule: .one(
                of: [
                    ref(.segmentCondition),
                    input(["all": list(ref(.segmentRule))], description: "Every rule holds (all of none: everyone)."),
                    input(["any": list(ref(.segmentRule))], description: "At least one rule holds."),
                    input(["not": ref(.segmentRule)], description: "The rule does not hold."),
                ],
                core: .init(
                    description:
                        "A group of rules or one condition; at most 100 parts and 8 levels in all.")),
            .segmentCondition: input(
                [
                    "field": cases(SegmentCondition.Field.self),
                    "in": names, "min": number(required: false), "max": number(required: false), "days": days,
                    "key": text(maxLength: 64, nonBlank: true, required: false),
                    "purpose": cases(ConsentPurpose.self, required: false),
                    "channel": text(maxLength: 64, required: false),
                ],
                description: """
                    A test of a member. `in` for tier (the program's tiers), rfm_segment, lifecycle_stage, attribute \
                    (with `key`), store and channel (orders there in the last `days`, or ever); `min`/`max` \
                    (inclusive, at least one) for days_since_joined, points_available, points_expiring (with `days`), \
                    days_since_last_order, orders and spend_minor (in the last `days`, or ever), open_tickets and \
                    p_alive (0 to 1); `purpose` (and `channel`, for marketing) for consent.
                    """),
            .segment: object([
                "segment_id": output(), "version": count(), "name": output(),
                "rule": freeForm(description: "The rule as saved (SegmentRule)."), "created_by": output(),
                "created_at": timestamp(),
            ]),
            .segmentMembers: object([
                "segment_id": output(required: false), "version": count(required: false),
                "count": count(description: "Members in the segment now."),
                "universe": count(description: "Members who could be: everyone not erased."),
                "evaluated_at": timestamp(), "data": list(object(["member_id": output()])),
                "next_cursor": output(nullable: true),
            ]),
        ]
    }
}
