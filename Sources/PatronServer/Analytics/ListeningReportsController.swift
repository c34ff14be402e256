import Hummingbird
import PatronCore
import PatronStore

/// `/v1/analytics/listening` and `/v1/analytics/closed-loop`: what customers said and how the team answered.
struct ListeningReportsController {
    let store: Store

    func addRoutes(to group: RouterGroup<PatronRequestContext>) {
        group.get("analytics/listening", use: listening)
        group.get("analytics/closed-loop", use: closedLoop)
        group.get("analytics/loyalty-matrix", use: matrix)
        group.get("analytics/loyalty-matrix/members", use: matrixMembers)
    }

    /// Counts per quadrant at `as_of` (default today) and how members moved since `compare_days` before.
    @Sendable func matrix(_ request: Request, context: PatronRequestContext) async throws -> Response {
        try context.require(.reportsRead)
        var query = QueryReader(request)
        let asOf = query.date("as_of")
        let days = query.integer("compare_days", in: 1...3_650, default: 90)
        try query.finish()
        let day = try await Self.day(asOf, store)
        let now = try await store.loyaltyMatrix(asOf: day)
        let before = try await store.loyaltyMatrix(asOf: day.addingDays(-days))
        return try JSONBody.response(LoyaltyMatrixResource(now: now, before: before))
    }

    /// The members of one quadrant at `as_of`, by id.
    @Sendable func matrixMembers(_ request: Request, context: PatronRequestContext) async throws -> Response {
        try context.require(.reportsRead)
        var query = QueryReader(request)
        let asOf = query.date("as_of")
        let quadrant: LoyaltyQuadrant? = query.choice("quadrant", required: true)
        let pagination = Pagination(reading: &query)
        try query.finish()
        guard let quadrant else { throw ValidationFailure(query.errors) }
        let day = try await Self.day(asOf, store)
        let matrix = try await store.loyaltyMatrix(asOf: day)
        let after = pagination.cursor ?? ""
        let ids = matrix.quadrants.filter { $0.value == quadrant && $0.key > after }.map(\.key).sorted()
        let page = Array(ids.prefix(pagination.limit))
        return try JSONBody.response(
            PageResource(
                data: page.map { ["member_id": $0] },
                nextCursor: Pagination.encode(ids.count > pagination.limit ? page.last : nil)))
    }

    @Sendable func listening(_ request: Request, context: PatronRequestContext) async throws -> Response {
        try context.require(.reportsRead)
        var query = QueryReader(request)
        let (from, to) = Self.period(&query)
        let grouping: ListeningGrouping? = query.choice("by")
        try query.finish()
        guard let from, let to else { throw ValidationFailure(query.errors) }
        let groups = try await store.listeningReport(from: from, to: to, by: grouping)
        return try JSONBody.response(
            ListeningReportResource(
                from: from, to: to, by: grouping,
                groups: groups.map { ListeningGroupResource(group: $0.group, figures: $0.figures) }))
    }

    @Sendable func closedLoop(_ request: Request, context: PatronRequestContext) async throws -> Response {
        try context.require(.reportsRead)
        var query = QueryReader(request)
        let (from, to) = Self.period(&query)
        let days = query.integer("repurchase_days", in: 1...3_650, default: 90)
        try query.finish()
        guard let from, let to else { throw ValidationFailure(query.errors) }
        let figures = try await store.closedLoopReport(from: from, to: to, repurchaseDays: days)
        return try JSONBody.response(ClosedLoopResource(from: from, to: to, figures: figures))
    }

    /// `as_of`, or today in the program's time zone.
    static func day(_ asOf: CalendarDate?, _ store: Store) async throws -> CalendarDate {
        if let asOf { return asOf }
        return try await store.program().program.utcOffset.date(of: store.clock.now)
    }

    static func period(_ query: inout QueryReader) -> (CalendarDate?, CalendarDate?) {
        let from = query.date("from", required: true)
        let to = query.date("to", required: true)
        if let from, let to, to < from { query.fail("to", "must not be before from") }
        return (from, to)
    }
}

struct ListeningReportResource: Encodable {
    let from: CalendarDate
    let to: CalendarDate
    let by: ListeningGrouping?
    let groups: [ListeningGroupResource]

    private enum CodingKeys: String, CodingKey {
        case from, to, by, groups
    }

    func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(from.isoString, forKey: .from)
        try container.encode(to.isoString, forKey: .to)
        try container.encode(by?.rawValue, forKey: .by)
        try container.encode(groups, forKey: .groups)
    }
}

struct ListeningGroupResource: Encodable {
    let group: String?
    let figures: ListeningFigures

    private struct Durations: Encodable {
        let summary: DurationSummary
        let working: DurationSummary

        private enum CodingKeys: String, CodingKey {
            case count
            case medianMinutes = "median_minutes"
            case p90Minutes = "p90_minutes"
            case workingMedianMinutes = "working_median_minutes"
            case workingP90Minutes = "working_p90_minutes"
        }

        func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(summary.count, forKey: .count)
            try container.encode(summary.medianMinutes, forKey: .medianMinutes)
            try container.encode(summary.p90Minutes, forKey: .p90Minutes)
            try container.encode(working.medianMinutes, forKey: .workingMedianMinutes)
            try container.encode(working.p90Minutes, forKey: .workingP90Minutes)
        }
    }

    private struct Attainment: Encodable {
        let met: Int
        let missed: Int
        let share: Double?

        private enum CodingKeys: String, CodingKey {
            case met, missed, share
        }

        func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(met, forKey: .met)
            try container.encode(missed, forKey: .missed)
            try container.encode(share, forKey: .share)
        }
    }

    private struct Topic: Encodable {
        let count: TopicCount

        private enum CodingKeys: String, CodingKey {
            case topic, count, negative
            case meanScore = "mean_score"
            case previousCount = "previous_count"
        }

        func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(count.topic, forKey: .topic)
            try container.encode(count.count, forKey: .count)
            try container.encode(count.negative, forKey: .negative)
            try container.encode(count.meanScore, forKey: .meanScore)
            try container.encode(count.previousCount, forKey: .previousCount)
        }
    }

    private enum CodingKeys: String, CodingKey {
        case group, feedback, complaints, urgent, orders
        case complaintsPerThousandOrders = "complaints_per_1000_orders"
        case ticketsOpened = "tickets_opened"
        case firstResponse = "first_response"
        case resolution
        case firstResponseTargets = "first_response_targets"
        case resolutionTargets = "resolution_targets"
        case topTopics = "top_topics"
    }

    func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(group, forKey: .group)
        try container.encode(figures.feedback, forKey: .feedback)
        try container.encode(figures.complaints, forKey: .complaints)
        try container.encode(figures.urgent, forKey: .urgent)
        try container.encode(figures.orders, forKey: .orders)
        try container.encode(figures.complaintRate, forKey: .complaintsPerThousandOrders)
        try container.encode(figures.ticketsOpened, forKey: .ticketsOpened)
        try container.encode(
            Durations(summary: figures.firstResponse, working: figures.firstResponseWorking), forKey: .firstResponse)
        try container.encode(
            Durations(summary: figures.resolution, working: figures.resolutionWorking), forKey: .resolution)
        for (targets, key) in [
            (figures.firstResponseTargets, CodingKeys.firstResponseTargets),
            (figures.resolutionTargets, .resolutionTargets),
        ] {
            try container.encode(
                Attainment(met: targets.met, missed: targets.missed, share: targets.share), forKey: key)
        }
        try container.encode(figures.topTopics.map(Topic.init), forKey: .topTopics)
    }
}

struct ClosedLoopResource: Encodable {
    let from: CalendarDate
    let to: CalendarDate
    let figures: ClosedLoopFigures

    private enum CodingKeys: String, CodingKey {
        case from, to, detractors, recovered
        case contactedInTime = "contacted_in_time"
        case closedLoopRate = "closed_loop_rate"
        case recoveryRate = "recovery_rate"
        case repurchaseDays = "repurchase_days"
        case resolvedComplainants = "resolved_complainants"
        case resolvedRepurchased = "resolved_repurchased"
        case unresolvedComplainants = "unresolved_complainants"
        case unresolvedRepurchased = "unresolved_repurchased"
        case repurchaseAfterResolution = "repurchase_after_resolution"
        case repurchaseWithoutResolution = "repurchase_without_resolution"
    }

    func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(from.isoString, forKey: .from)
        try container.encode(to.isoString, forKey: .to)
        try container.encode(figures.detractors, forKey: .detractors)
        try container.encode(figures.contactedInTime, forKey: .contactedInTime)
        try container.encode(figures.recovered, forKey: .recovered)
        try container.encode(figures.closedLoopRate, forKey: .closedLoopRate)
        try container.encode(figures.recoveryRate, forKey: .recoveryRate)
        try container.encode(figures.repurchaseDays, forKey: .repurchaseDays)
        try container.encode(figures.resolvedComplainants, forKey: .resolvedComplainants)
        try container.encode(figures.resolvedRepurchased, forKey: .resolvedRepurchased)
        try container.encode(figures.unresolvedComplainants, forKey: .unresolvedComplainants)
        try container.encode(figures.unresolvedRepurchased, forKey: .unresolvedRepurchased)
        try container.encode(figures.repurchaseAfterResolution, forKey: .repurchaseAfterResolution)
        try container.encode(figures.repurchaseWithoutResolution, forKey: .repurchaseWithoutResolution)
    }
}

struct LoyaltyMatrixResource: Encodable {
    let now: LoyaltyMatrix
    let before: LoyaltyMatrix

    private struct Move: Encodable {
        let from: String
        let to: String
        let members: Int
    }

    private enum CodingKeys: String, CodingKey {
        case counts, movement
        case asOf = "as_of"
        case withoutAttitude = "without_attitude"
        case comparedWith = "compared_with"
        case countsThen = "counts_then"
    }

    func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(now.asOf.isoString, forKey: .asOf)
        try container.encode(Self.counts(now), forKey: .counts)
        try container.encode(now.withoutAttitude, forKey: .withoutAttitude)
        try container.encode(before.asOf.isoString, forKey: .comparedWith)
        try container.encode(Self.counts(before), forKey: .countsThen)
        var moves: [LoyaltyQuadrant: [LoyaltyQuadrant: Int]] = [:]
        for (memberID, quadrant) in now.quadrants {
            guard let then = before.quadrants[memberID], then != quadrant else { continue }
            moves[then, default: [:]][quadrant, default: 0] += 1
        }
        let order = LoyaltyQuadrant.allCases
        try container.encode(
            order.flatMap { from in
                order.compactMap { to in
                    moves[from]?[to].map { Move(from: from.rawValue, to: to.rawValue, members: $0) }
                }
            }, forKey: .movement)
    }

    private static func counts(_ matrix: LoyaltyMatrix) -> [String: Int] {
        Dictionary(uniqueKeysWithValues: LoyaltyQuadrant.allCases.map { ($0.rawValue, matrix.count($0)) })
    }
}
