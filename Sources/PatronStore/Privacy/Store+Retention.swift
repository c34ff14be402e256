import PatronCore
import SQLKit

/// What one run of the retention policy did, or would do on a dry run.
public struct RetentionReport: Sendable, Hashable {
    public var asOf: Timestamp
    public var dryRun: Bool
    /// Events that happened before this were deleted; nil when events are kept for ever.
    public var eventsBefore: Timestamp?
    public var eventsDeleted: Int64 = 0
    /// Members with no activity of their own since this were anonymised; nil when members are kept for ever.
    public var membersInactiveSince: Timestamp?
    public var membersAnonymised: Int64 = 0
    /// Lines of orders placed before this were summed into monthly product totals; nil when kept for ever.
    public var orderLinesBefore: Timestamp?
    public var ordersSummarised: Int64 = 0
    public var linesSummarised: Int64 = 0
    /// Feedback given before this lost its text and contact; nil when feedback text is kept for ever.
    public var feedbackBefore: Timestamp?
    /// Feedback items past their period, their text and contact removed (ratings and scores stay).
    public var feedbackTextsRemoved: Int64 = 0
}

extension Store {
    /// The actor the retention job records on the erasures it makes.
    public static let retentionActor = "retention"

    /// Applies the program's retention policy as of `instant`: deletes events past their period, anonymises
    /// members inactive for theirs (an erasure recorded as the retention job's, without a request) and sums the
    /// lines of old orders into monthly product totals. Each step works in batches of `batchSize`, each its own
    /// transaction, so a run can stop anywhere and the next one goes on; running it twice changes nothing more.
    /// A dry run counts what a run would do and writes nothing.
    public func applyRetention(
        asOf instant: Timestamp, dryRun: Bool, batchSize: Int = 500
    ) async throws -> RetentionReport {
        let program = try await program().program
        let policy = program.retention
        var report = RetentionReport(asOf: instant, dryRun: dryRun)
        report.eventsBefore = policy.cutoff(.events, asOf: instant, offset: program.utcOffset)
        report.membersInactiveSince = policy.cutoff(.inactiveMembers, asOf: instant, offset: program.utcOffset)
        report.orderLinesBefore = policy.cutoff(.orderLines, asOf: instant, offset: program.utcOffset)
        report.feedbackBefore = policy.cutoff(.feedbackText, asOf: instant, offset: program.utcOffset)
        if let cutoff = report.eventsBefore {
            report.eventsDeleted = try await deleteEvents(before: cutoff, dryRun: dryRun, batchSize: batchSize)
        }
        if let cutoff = report.membersInactiveSince {
            report.membersAnonymised = try await anonymiseMembers(
                inactiveSince: cutoff, at: instant, dryRun: dryRun, batchSize: batchSize)
        }
        if let cutoff = report.orderLinesBefore {
            (report.ordersSummarised, report.linesSummarised) = try await summariseOrderLines(
                before: cutoff, offset: program.utcOffset, dryRun: dryRun, batchSize: batchSize)
        }
        if let cutoff = report.feedbackBefore {
            report.feedbackTextsRemoved = try await removeFeedbackText(
                before: cutoff, at: instant, dryRun: dryRun, batchSize: batchSize)
        }
        return report
    }

    // MARK: Feedback text

    private func removeFeedbackText(
        before cutoff: Timestamp, at instant: Timestamp, dryRun: Bool, batchSize: Int
    ) async throws -> Int64 {
        let (before, at) = (cutoff.millisecondsSinceEpoch, instant.millisecondsSinceEpoch)
        if dryRun {
            return try await database.read { database in
                try await Self.count(
                    """
                    SELECT COUNT(*) AS n FROM feedback WHERE submitted_at < \(bind: before) AND text_removed_at IS NULL
                    """, in: database)
            }
        }
        var removed: Int64 = 0
        while true {
            // Items given with a rating alone are marked too, so the index holds only what is left to handle.
            let batch = try await database.write { database in
                try await database.raw(
                    """
                    UPDATE feedback SET text_ciphertext = NULL, contact_ciphertext = NULL, text_removed_at = \(bind: at)
                    WHERE feedback_id IN (
                        SELECT feedback_id FROM feedback WHERE submitted_at < \(bind: before) AND text_removed_at IS NULL
                        ORDER BY submitted_at LIMIT \(unsafeRaw: String(batchSize)))
                    RETURNING feedback_id
                    """
                ).all().count
            }
            removed += Int64(batch)
            if batch < batchSize { return removed }
        }
    }

    // MARK: Events

    private func deleteEvents(before cutoff: Timestamp, dryRun: Bool, batchSize: Int) async throws -> Int64 {
        let before = cutoff.millisecondsSinceEpoch
        if dryRun {
            return try await database.read { database in
                try await Self.count(
                    "SELECT COUNT(*) AS n FROM events WHERE occurred_at < \(bind: before)", in: database)
            }
        }
        var deleted: Int64 = 0
        while true {
            let batch = try await database.write { database in
                Int64(
                    try await database.raw(
                        """
                        DELETE FROM events WHERE message_id IN (
                            SELECT message_id FROM events WHERE occurred_at < \(bind: before)
                            ORDER BY occurred_at LIMIT \(unsafeRaw: String(batchSize)))
                        RETURNING message_id
                        """
                    ).all().count)
            }
            deleted += batch
            if batch < batchSize { return deleted }
        }
    }

    // MARK: Inactive members

    /// Members not erased whose own activity all lies before `cutoff`: they joined, changed their profile, ordered,
    /// sent an event, spent points, gave or withdrew a consent and gave feedback only before it. Jobs acting on a
    /// member (expiry, tier evaluation) are not the member's activity.
    private static func inactive(_ member: String, since cutoff: Int64) -> SQLQueryString {
        """
        \(unsafeRaw: member).erased_at IS NULL AND \(unsafeRaw: member).created_at < \(bind: cutoff)
        AND \(unsafeRaw: member).updated_at < \(bind: cutoff)
        AND NOT EXISTS (SELECT 1 FROM orders o WHERE o.member_id = \(unsafeRaw: member).id
                        AND o.occurred_at >= \(bind: cutoff))
        AND NOT EXISTS (SELECT 1 FROM events e WHERE e.member_id = \(unsafeRaw: member).id
                        AND e.occurred_at >= \(bind: cutoff))
        AND NOT EXISTS (SELECT 1 FROM point_entries p WHERE p.member_id = \(unsafeRaw: member).id
                        AND p.kind = \(bind: PointEntryKind.spend.rawValue) AND p.created_at >= \(bind: cutoff))
        AND NOT EXISTS (SELECT 1 FROM consent_records c WHERE c.member_id = \(unsafeRaw: member).id
                        AND c.given_at >= \(bind: cutoff))
        AND NOT EXISTS (SELECT 1 FROM feedback f WHERE f.member_id = \(unsafeRaw: member).id
                        AND f.received_at >= \(bind: cutoff))
        """
    }

    private func anonymiseMembers(
        inactiveSince cutoff: Timestamp, at instant: Timestamp, dryRun: Bool, batchSize: Int
    ) async throws -> Int64 {
        let since = cutoff.millisecondsSinceEpoch
        if dryRun {
            return try await database.read { database in
                try await Self.count(
                    "SELECT COUNT(*) AS n FROM members m WHERE \(Self.inactive("m", since: since))", in: database)
            }
        }
        let protector = self.protector
        let ledger = self.ledger
        var anonymised: Int64 = 0
        var next = ""
        while true {
            let after = next
            let candidates = try await database.read { database in
                try await database.raw(
                    """
                    SELECT m.id FROM members m WHERE m.id > \(bind: after) AND \(Self.inactive("m", since: since))
                    ORDER BY m.id LIMIT \(unsafeRaw: String(batchSize))
                    """
                ).all().map { try $0.decode(column: "id", as: String.self) }
            }
            guard let last = candidates.last else { return anonymised }
            next = last
            anonymised += try await database.write { database in
                var erased: Int64 = 0
                for memberID in candidates {
                    guard case .live(let externalID) = try await Self.lockForErasure(memberID, in: database) else {
                        continue
                    }
                    // Asked again under the lock: an order or a profile change since the read keeps the member.
                    _ = try await ledger.lockBalance(
                        memberID: memberID, memberIsKnown: true, allowingErased: true,
                        at: instant.millisecondsSinceEpoch, in: database)
                    let stillInactive = try await database.raw(
                        "SELECT m.id FROM members m WHERE m.id = \(bind: memberID) AND \(Self.inactive("m", since: since))"
                    ).first()
                    guard stillInactive != nil else { continue }
                    _ = try await Self.erase(
                        memberID, externalID: externalID, handledBy: Self.retentionActor, at: instant,
                        protector: protector, in: database)
                    erased += 1
                }
                return erased
            }
        }
    }

    // MARK: Order lines

    /// Orders before this mark have had their lines summed.
    static let orderLinesMark = "order_lines"

    private func summariseOrderLines(
        before cutoff: Timestamp, offset: UTCOffset, dryRun: Bool, batchSize: Int
    ) async throws -> (orders: Int64, lines: Int64) {
        let before = cutoff.millisecondsSinceEpoch
        let from = try await database.read { database in
            try await database.raw(
                "SELECT through FROM retention_marks WHERE kind = \(bind: Self.orderLinesMark)"
            ).first()?.decode(column: "through", as: Int64.self) ?? Int64.min
        }
        guard from < before else { return (0, 0) }
        if dryRun {
            return try await database.read { database in
                let row = try await database.raw(
                    """
                    SELECT COUNT(DISTINCT o.order_id) AS orders, COUNT(*) AS lines
                    FROM orders o JOIN order_lines l ON l.order_id = o.order_id
                    WHERE o.occurred_at >= \(bind: from) AND o.occurred_at < \(bind: before)
                    """
                ).first()
                return (
                    try row?.decode(column: "orders", as: Int64.self) ?? 0,
                    try row?.decode(column: "lines", as: Int64.self) ?? 0
                )
            }
        }
        var total: (orders: Int64, lines: Int64) = (0, 0)
        var next = (occurredAt: from, orderID: "")
        while true {
            let position = next
            let orders = try await database.read { database in
                try await database.raw(
                    """
                    SELECT order_id, occurred_at, currency, channel, store_id FROM orders
                    WHERE (occurred_at > \(bind: position.occurredAt)
                           OR (occurred_at = \(bind: position.occurredAt) AND order_id > \(bind: position.orderID)))
                      AND occurred_at < \(bind: before)
                    ORDER BY occurred_at, order_id LIMIT \(unsafeRaw: String(batchSize))
                    """
                ).all().map { row in
                    SummarisedOrder(
                        orderID: try row.decode(column: "order_id", as: String.self),
                        occurredAt: try row.decode(column: "occurred_at", as: Int64.self),
                        currency: try row.decode(column: "currency", as: String.self),
                        channel: try row.decode(column: "channel", as: String.self),
                        storeID: try row.decode(column: "store_id", as: String?.self))
                }
            }
            let batch = try await database.write { database in
                let summed = try await Self.summariseLines(of: orders, offset: offset, in: database)
                if orders.count < batchSize { try await Self.raiseOrderLinesMark(to: before, in: database) }
                return summed
            }
            total.orders += batch.orders
            total.lines += batch.lines
            guard orders.count == batchSize, let last = orders.last else { return total }
            next = (last.occurredAt, last.orderID)
        }
    }

    private struct SummarisedOrder: Sendable {
        var orderID: String
        var occurredAt: Int64
        var currency: String
        var channel: String
        var storeID: String?
    }

    /// Deletes the orders' lines and adds them to the monthly totals. The delete answers the lines it removed, so
    /// two nodes summing the same orders add each line once.
    private static func summariseLines(
        of orders: [SummarisedOrder], offset: UTCOffset, in database: any SQLDatabase
    ) async throws -> (orders: Int64, lines: Int64) {
        guard !orders.isEmpty else { return (0, 0) }
        let byID = Dictionary(uniqueKeysWithValues: orders.map { ($0.orderID, $0) })
        let ids = SQLList(orders.map { SQLBind($0.orderID) })
        try await database.raw("DELETE FROM order_line_points WHERE order_id IN (\(ids))").run()
        let removed = try await database.raw(
            """
            DELETE FROM order_lines WHERE order_id IN (\(ids))
            RETURNING order_id, sku, category, quantity, unit_price_minor, discount_minor
            """
        ).all().map { row in
            let order = byID[try row.decode(column: "order_id", as: String.self)]!
            return (
                order.orderID,
                OrderLineSummary.Line(
                    occurredAt: Timestamp(millisecondsSinceEpoch: order.occurredAt), currency: order.currency,
                    channel: order.channel, storeID: order.storeID, sku: try row.decode(column: "sku", as: String.self),
                    category: try row.decode(column: "category", as: String?.self),
                    quantity: try row.decode(column: "quantity", as: Int64.self),
                    unitPriceMinor: try row.decode(column: "unit_price_minor", as: Int64.self),
                    discountMinor: try row.decode(column: "discount_minor", as: Int64.self))
            )
        }
        for chunk in OrderLineSummary.summarise(removed.map(\.1), offset: offset).sorted(by: { $0.key < $1.key })
            .chunks(of: 500)
        {
            var insert = database.insert(into: "order_line_summaries").columns(
                "month", "currency", "channel", "store_id", "sku", "category", "lines", "quantity", "gross_minor",
                "discount_minor")
            for (key, sum) in chunk {
                insert = insert.values(
                    SQLBind(key.month), SQLBind(key.currency), SQLBind(key.channel), SQLBind(key.storeID),
                    SQLBind(key.sku), SQLBind(key.category), SQLBind(sum.lines), SQLBind(sum.quantity),
                    SQLBind(sum.grossMinor), SQLBind(sum.discountMinor))
            }
            try await insert.onConflict(with: ["month", "currency", "channel", "store_id", "sku", "category"]) {
                var update = $0
                for column in ["lines", "quantity", "gross_minor", "discount_minor"] {
                    update = update.set(column, to: SQLRaw("order_line_summaries.\(column) + excluded.\(column)"))
                }
                return update
            }.run()
        }
        return (Int64(Set(removed.map(\.0)).count), Int64(removed.count))
    }

    private static func raiseOrderLinesMark(to before: Int64, in database: any SQLDatabase) async throws {
        try await database.raw(
            """
            INSERT INTO retention_marks (kind, through) VALUES (\(bind: orderLinesMark), \(bind: before))
            ON CONFLICT (kind) DO UPDATE SET through = \(bind: before) WHERE retention_marks.through < \(bind: before)
            """
        ).run()
    }

    /// Lowers the order-lines mark below an order written with an old date, so the next run sums its lines too.
    /// Orders younger than the shortest retention period never reach a mark and cost nothing here.
    static func noteOldOrders(occurredFrom earliest: Int64, at now: Int64, in database: any SQLDatabase) async throws {
        guard earliest < now - RetentionPolicy.orderLinesKeptAtLeast else { return }
        try await database.raw(
            """
            UPDATE retention_marks SET through = \(bind: earliest)
            WHERE kind = \(bind: orderLinesMark) AND through > \(bind: earliest)
            """
        ).run()
    }

    private static func count(_ query: SQLQueryString, in database: any SQLDatabase) async throws -> Int64 {
        try await database.raw(query).first()?.decode(column: "n", as: Int64.self) ?? 0
    }
}
