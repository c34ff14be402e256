import PatronCore
import SQLKit

/// Reads and writes orders and their lines inside a caller's transaction.
public struct OrderRepository: Sendable {
    /// Inserts the order unless its id is taken; returns `false` when it was (a replay or a reuse).
    func insert(
        _ submission: OrderSubmission, memberID: String, fingerprint: String, at now: Int64,
        in database: any SQLDatabase
    ) async throws -> Order? {
        let inserted = try await database.raw(
            """
            INSERT INTO orders (order_id, member_id, occurred_at, currency, channel, store_id, subtotal_minor,
                                discount_minor, shipping_minor, total_minor, request_fingerprint, created_at)
            VALUES (\(bind: submission.orderID), \(bind: memberID), \(bind: submission.occurredAt.millisecondsSinceEpoch),
                    \(bind: submission.currency.code), \(bind: submission.channel.rawValue), \(bind: submission.storeID),
                    \(bind: submission.subtotalMinor), \(bind: submission.discountMinor),
                    \(bind: submission.shippingMinor), \(bind: submission.totalMinor), \(bind: fingerprint), \(bind: now))
            ON CONFLICT (order_id) DO NOTHING RETURNING order_id
            """
        ).first()
        guard inserted != nil else { return nil }
        var insert = database.insert(into: "order_lines")
            .columns(
                "order_id", "line_number", "sku", "name", "category", "quantity", "unit_price_minor", "discount_minor")
        for (number, line) in submission.lines.enumerated() {
            insert = insert.values(
                SQLBind(submission.orderID), SQLBind(Int64(number + 1)), SQLBind(line.sku), SQLBind(line.name),
                SQLBind(line.category), SQLBind(line.quantity), SQLBind(line.unitPriceMinor),
                SQLBind(line.discountMinor))
        }
        try await insert.run()
        try await Store.noteOldOrders(
            occurredFrom: submission.occurredAt.millisecondsSinceEpoch, at: now, in: database)
        // What was written, as a read would find it: no second round trip for it.
        return Order(
            orderID: submission.orderID, memberID: memberID, occurredAt: submission.occurredAt,
            currency: submission.currency.code, channel: submission.channel.rawValue, storeID: submission.storeID,
            lines: submission.lines, subtotalMinor: submission.subtotalMinor, discountMinor: submission.discountMinor,
            shippingMinor: submission.shippingMinor, totalMinor: submission.totalMinor,
            createdAt: Timestamp(millisecondsSinceEpoch: now))
    }

    func fingerprint(of orderID: String, in database: any SQLDatabase) async throws -> String? {
        try await database.raw("SELECT request_fingerprint FROM orders WHERE order_id = \(bind: orderID)").first()?
            .decode(column: "request_fingerprint", as: String.self)
    }

    public func find(orderID: String, in database: any SQLDatabase) async throws -> Order? {
        try await load(where: "order_id = \(bind: orderID)", in: database).first
    }

    /// A member's orders, newest first, after the `(occurred_at, order_id)` position `cursor`.
    public func list(
        memberID: String, before cursor: (occurredAt: Int64, orderID: String)?, limit: Int, in database: any SQLDatabase
    ) async throws -> [Order] {
        let position: SQLQueryString =
            if let cursor {
                "AND (occurred_at < \(bind: cursor.occurredAt) OR (occurred_at = \(bind: cursor.occurredAt) AND order_id < \(bind: cursor.orderID)))"
            } else { "" }
        return try await load(
            where: "member_id = \(bind: memberID) \(position)", orderBy: "occurred_at DESC, order_id DESC",
            limit: limit, in: database)
    }

    private func load(
        where condition: SQLQueryString, orderBy: String = "order_id", limit: Int = 1, in database: any SQLDatabase
    ) async throws -> [Order] {
        let rows = try await database.raw(
            """
            SELECT order_id, member_id, occurred_at, currency, channel, store_id, subtotal_minor, discount_minor,
                   shipping_minor, total_minor, created_at
            FROM orders WHERE \(condition) ORDER BY \(unsafeRaw: orderBy) LIMIT \(unsafeRaw: String(limit))
            """
        ).all()
        guard !rows.isEmpty else { return [] }
        let ids = try rows.map { try $0.decode(column: "order_id", as: String.self) }
        let lineRows = try await database.raw(
            """
            SELECT order_id, sku, name, category, quantity, unit_price_minor, discount_minor FROM order_lines
            WHERE order_id IN (\(SQLList(ids.map { SQLBind($0) }))) ORDER BY order_id, line_number
            """
        ).all()
        var lines: [String: [OrderLine]] = [:]
        for row in lineRows {
            lines[try row.decode(column: "order_id", as: String.self), default: []].append(
                OrderLine(
                    sku: try row.decode(column: "sku", as: String.self),
                    name: try row.decode(column: "name", as: String?.self),
                    category: try row.decode(column: "category", as: String?.self),
                    quantity: try row.decode(column: "quantity", as: Int64.self),
                    unitPriceMinor: try row.decode(column: "unit_price_minor", as: Int64.self),
                    discountMinor: try row.decode(column: "discount_minor", as: Int64.self)))
        }
        return try rows.map { row in
            let orderID = try row.decode(column: "order_id", as: String.self)
            return Order(
                orderID: orderID,
                memberID: try row.decode(column: "member_id", as: String.self),
                occurredAt: Timestamp(millisecondsSinceEpoch: try row.decode(column: "occurred_at", as: Int64.self)),
                currency: try row.decode(column: "currency", as: String.self),
                channel: try row.decode(column: "channel", as: String.self),
                storeID: try row.decode(column: "store_id", as: String?.self),
                lines: lines[orderID] ?? [],
                subtotalMinor: try row.decode(column: "subtotal_minor", as: Int64.self),
                discountMinor: try row.decode(column: "discount_minor", as: Int64.self),
                shippingMinor: try row.decode(column: "shipping_minor", as: Int64.self),
                totalMinor: try row.decode(column: "total_minor", as: Int64.self),
                createdAt: Timestamp(millisecondsSinceEpoch: try row.decode(column: "created_at", as: Int64.self)))
        }
    }
}
