import Foundation
import PatronCore
import SQLKit

/// How listening reports group their figures.
public enum ListeningGrouping: String, Sendable, Hashable, CaseIterable {
    case store
    /// The channel the feedback came by (orders have channels of their own, so no complaint rate).
    case channel
}

extension Store {
    /// A period's listening — feedback, complaints and their rate per 1,000 orders, tickets' first response and
    /// resolution times in calendar and working time, targets met, the top topics — for everyone or per store or
    /// channel, over days `from` to `to` in the program's time zone. Tickets count in the period they opened.
    public func listeningReport(
        from: CalendarDate, to: CalendarDate, by grouping: ListeningGrouping?
    ) async throws -> [(group: String?, figures: ListeningFigures)] {
        let programs = self.programs
        return try await database.read { database in
            let (_, program) = try await programs.current(in: database)
            let start = program.utcOffset.startOf(from).millisecondsSinceEpoch
            let end = program.utcOffset.startOf(to.addingDays(1)).millisecondsSinceEpoch
            var figures: [String?: ListeningFigures] = [:]
            var topics: [String?: [String: TopicCount]] = [:]
            func key(store: String?, channel: String?) -> String? {
                switch grouping {
                case nil: nil
                case .store: store
                case .channel: channel
                }
            }
            for row in try await database.raw(
                """
                SELECT channel, store_id, severity, urgent_topics, tags, topics, sentiment, sentiment_score, received_at
                FROM feedback WHERE received_at >= \(bind: start - (end - start)) AND received_at < \(bind: end)
                """
            ).all() {
                let group = key(
                    store: try row.decode(column: "store_id", as: String?.self),
                    channel: try row.decode(column: "channel", as: String.self))
                let names = try Self.topicNames(row)
                // The period before, as long as this one, only for each topic's trend.
                guard try row.decode(column: "received_at", as: Int64.self) >= start else {
                    for name in names {
                        topics[group, default: [:]][name, default: TopicCount(topic: name)].previousCount += 1
                    }
                    continue
                }
                let severity = try StoredValue.decode(FeedbackSeverity.self, row, "severity")
                figures[group, default: ListeningFigures()].feedback += 1
                if severity >= .high { figures[group, default: ListeningFigures()].complaints += 1 }
                if severity == .urgent { figures[group, default: ListeningFigures()].urgent += 1 }
                let sentiment = try Self.sentiment(row)
                for name in names { topics[group, default: [:]][name, default: TopicCount(topic: name)].add(sentiment) }
            }
            if grouping != .channel {
                for row in try await database.raw(
                    """
                    SELECT store_id, COUNT(*) AS n FROM orders
                    WHERE occurred_at >= \(bind: start) AND occurred_at < \(bind: end) GROUP BY store_id
                    """
                ).all() {
                    let group = key(store: try row.decode(column: "store_id", as: String?.self), channel: nil)
                    let count = Int(try row.decode(column: "n", as: Int64.self))
                    figures[group, default: ListeningFigures()].orders =
                        (figures[group]?.orders ?? 0) + count
                }
            }
            var firstResponses: [String?: (calendar: [Int64], working: [Int64])] = [:]
            var resolutions: [String?: (calendar: [Int64], working: [Int64])] = [:]
            let calendar = program.service.calendar
            for row in try await database.raw(
                """
                SELECT t.store_id, f.channel, t.opened_at, t.first_responded_at, t.resolved_at
                FROM tickets t LEFT JOIN feedback f ON f.feedback_id = t.feedback_id
                WHERE t.opened_at >= \(bind: start) AND t.opened_at < \(bind: end) AND t.merged_into IS NULL
                """
            ).all() {
                let group = key(
                    store: try row.decode(column: "store_id", as: String?.self),
                    channel: try row.decode(column: "channel", as: String?.self))
                figures[group, default: ListeningFigures()].ticketsOpened += 1
                let opened = try row.decode(column: "opened_at", as: Int64.self)
                if let responded = try row.decode(column: "first_responded_at", as: Int64?.self) {
                    firstResponses[group, default: ([], [])].calendar.append(responded - opened)
                    firstResponses[group, default: ([], [])].working.append(
                        calendar.workingTime(
                            from: Timestamp(millisecondsSinceEpoch: opened),
                            to: Timestamp(millisecondsSinceEpoch: responded)))
                }
                if let resolved = try row.decode(column: "resolved_at", as: Int64?.self) {
                    resolutions[group, default: ([], [])].calendar.append(resolved - opened)
                    resolutions[group, default: ([], [])].working.append(
                        calendar.workingTime(
                            from: Timestamp(millisecondsSinceEpoch: opened),
                            to: Timestamp(millisecondsSinceEpoch: resolved)))
                }
            }
            for row in try await database.raw(
                """
                SELECT t.store_id, f.channel, d.kind, d.breached_at, d.met_at
                FROM ticket_deadlines d JOIN tickets t ON t.ticket_id = d.ticket_id
                LEFT JOIN feedback f ON f.feedback_id = t.feedback_id
                WHERE t.opened_at >= \(bind: start) AND t.opened_at < \(bind: end) AND t.merged_into IS NULL
                  AND d.kind IN (\(bind: DeadlineKind.firstResponse.rawValue), \(bind: DeadlineKind.resolution.rawValue))
                  AND (d.breached_at IS NOT NULL OR d.met_at IS NOT NULL)
                """
            ).all() {
                let group = key(
                    store: try row.decode(column: "store_id", as: String?.self),
                    channel: try row.decode(column: "channel", as: String?.self))
                let missed = try row.decodeNil(column: "breached_at") == false
                let kind = try StoredValue.decode(DeadlineKind.self, row, "kind")
                var entry = figures[group] ?? ListeningFigures()
                switch (kind, missed) {
                case (.firstResponse, true): entry.firstResponseTargets.missed += 1
                case (.firstResponse, false): entry.firstResponseTargets.met += 1
                case (_, true): entry.resolutionTargets.missed += 1
                case (_, false): entry.resolutionTargets.met += 1
                }
                figures[group] = entry
            }
            if grouping == nil, figures.isEmpty { figures[nil] = ListeningFigures() }
            for group in figures.keys {
                let first = firstResponses[group] ?? ([], [])
                let resolved = resolutions[group] ?? ([], [])
                figures[group]?.firstResponse = DurationSummary(milliseconds: first.calendar)
                figures[group]?.firstResponseWorking = DurationSummary(milliseconds: first.working)
                figures[group]?.resolution = DurationSummary(milliseconds: resolved.calendar)
                figures[group]?.resolutionWorking = DurationSummary(milliseconds: resolved.working)
                figures[group]?.topTopics = ListeningFigures.top(topics[group] ?? [:])
            }
            return figures.sorted { ($0.key ?? "") < ($1.key ?? "") }.map { (group: $0.key, figures: $0.value) }
        }
    }
}

extension Store {
    /// The closed loop over feedback received from `from` to `to` (days in the program's time zone): each
    /// detractor's score (0–6, from a survey or any channel) and each complaint (high or urgent) from a member
    /// counts once per item.
    public func closedLoopReport(
        from: CalendarDate, to: CalendarDate, repurchaseDays: Int = 90
    ) async throws -> ClosedLoopFigures {
        let programs = self.programs
        return try await database.read { database in
            let (_, program) = try await programs.current(in: database)
            let start = program.utcOffset.startOf(from).millisecondsSinceEpoch
            let end = program.utcOffset.startOf(to.addingDays(1)).millisecondsSinceEpoch
            let window = Int64(repurchaseDays) * 86_400_000
            var figures = ClosedLoopFigures(repurchaseDays: repurchaseDays)
            let rows = try await database.raw(
                """
                SELECT f.member_id, f.score, f.severity, f.received_at, t.resolved_at, t.closed_at,
                       (SELECT COUNT(*) FROM ticket_deadlines d
                        WHERE d.ticket_id = t.ticket_id AND d.kind = \(bind: DeadlineKind.firstResponse.rawValue)
                          AND d.met_at IS NOT NULL AND d.breached_at IS NULL) AS answered_in_time,
                       (SELECT COUNT(*) FROM feedback later
                        WHERE later.member_id = f.member_id AND later.received_at > f.received_at
                          AND later.score >= 7) AS later_promotions,
                       (SELECT COUNT(*) FROM orders o
                        WHERE o.member_id = f.member_id AND o.occurred_at > f.received_at
                          AND o.occurred_at <= f.received_at + \(bind: window)) AS orders_after
                FROM feedback f LEFT JOIN tickets t ON t.feedback_id = f.feedback_id
                WHERE f.member_id IS NOT NULL AND f.received_at >= \(bind: start) AND f.received_at < \(bind: end)
                """
            ).all()
            for row in rows {
                let severity = try StoredValue.decode(FeedbackSeverity.self, row, "severity")
                if let score = try row.decode(column: "score", as: Int64?.self), score <= 6 {
                    figures.detractors += 1
                    if try row.decode(column: "answered_in_time", as: Int64.self) > 0 { figures.contactedInTime += 1 }
                    if try row.decode(column: "later_promotions", as: Int64.self) > 0 { figures.recovered += 1 }
                }
                guard severity >= .high else { continue }
                let resolved = try row.decodeNil(column: "resolved_at") == false
                let bought = try row.decode(column: "orders_after", as: Int64.self) > 0
                if resolved {
                    figures.resolvedComplainants += 1
                    if bought { figures.resolvedRepurchased += 1 }
                } else {
                    figures.unresolvedComplainants += 1
                    if bought { figures.unresolvedRepurchased += 1 }
                }
            }
            return figures
        }
    }
}
