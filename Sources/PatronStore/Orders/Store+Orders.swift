import PatronCore
import SQLKit

/// The outcome of submitting an order.
public struct OrderRecording: Sendable {
    public var order: Order
    /// True when the order id was already recorded with the same content: nothing changed.
    public var isReplay: Bool
}

extension Store {
    /// Records an order and everything it implies, in one transaction. A replay of an order already
    /// recorded (same id, same `fingerprint`) changes nothing and returns the stored order.
    ///
    /// The unique order id decides between concurrent replays; nothing is checked by a read first.
    public func recordOrder(
        _ submission: OrderSubmission, fingerprint: String, actor: String = "order"
    ) async throws -> OrderRecording {
        let store = self
        do {
            let order = try await database.write { database in
                let now = clock.milliseconds
                let memberID = try await store.resolveCustomer(submission.customer, at: now, in: database)
                guard
                    let order = try await store.orders.insert(
                        submission, memberID: memberID, fingerprint: fingerprint, at: now, in: database)
                else {
                    // Undo the member changes this replay made: a replay changes nothing.
                    throw OrderAlreadyRecorded(
                        fingerprint: try await store.orders.fingerprint(of: submission.orderID, in: database))
                }
                try await Outbox.emit(.orderRecorded, memberID: memberID, data: order.eventData, at: now, in: database)
                if !submission.consents.isEmpty {
                    try await Self.lockLiveMember(memberID, in: database)
                    _ = try await Self.writeConsents(
                        submission.consents, of: memberID, recordedBy: actor,
                        at: Timestamp(millisecondsSinceEpoch: now), members: store.members, in: database)
                }
                // The award, qualifying spend and tier change commit with the order or not at all.
                try await store.applyLoyalty(to: order, at: now, in: database)
                let (_, program) = try await store.programs.current(in: database)
                try await ActivityRollups.invalidate(
                    from: order.occurredAt.millisecondsSinceEpoch, program: program, now: now, in: database)
                return order
            }
            return OrderRecording(order: order, isReplay: false)
        } catch let replay as OrderAlreadyRecorded {
            guard replay.fingerprint == fingerprint, let order = try await self.order(id: submission.orderID) else {
                throw OrderError.idReusedWithDifferentContent(orderID: submission.orderID)
            }
            return OrderRecording(order: order, isReplay: true)
        }
    }

    public func order(id: String) async throws -> Order? {
        let orders = self.orders
        return try await database.read { try await orders.find(orderID: id, in: $0) }
    }

    /// A member's orders, newest first.
    public func orders(memberID: String, after cursor: String?, limit: Int) async throws -> Page<Order> {
        let orders = self.orders
        let position = cursor.flatMap(OrderCursor.decode)
        let found = try await database.read {
            try await orders.list(memberID: memberID, before: position, limit: limit + 1, in: $0)
        }
        let page = Array(found.prefix(limit))
        let next = found.count > limit ? page.last.map(OrderCursor.encode) : nil
        return Page(items: page, nextCursor: next)
    }
}

extension Order {
    /// What an `order.recorded` event says of the order: its amounts and where, not its lines.
    var eventData: [String: JSONValue] {
        [
            "order_id": .string(orderID), "occurred_at": JSONValue(milliseconds: occurredAt.millisecondsSinceEpoch),
            "currency": .string(currency), "channel": .string(channel), "store_id": JSONValue(storeID),
            "subtotal_minor": JSONValue(subtotalMinor), "discount_minor": JSONValue(discountMinor),
            "total_minor": JSONValue(totalMinor), "lines": JSONValue(Int64(lines.count)),
        ]
    }
}

/// Thrown inside the write so its transaction rolls back; carries the stored order's fingerprint out.
private struct OrderAlreadyRecorded: Error {
    let fingerprint: String?
}

/// `occurred_at:order_id` of the last order on a page.
enum OrderCursor {
    static func encode(_ order: Order) -> String {
        "\(order.occurredAt.millisecondsSinceEpoch):\(order.orderID)"
    }

    static func decode(_ cursor: String) -> (occurredAt: Int64, orderID: String)? {
        guard let colon = cursor.firstIndex(of: ":"), let occurredAt = Int64(cursor[..<colon]) else { return nil }
        return (occurredAt, String(cursor[cursor.index(after: colon)...]))
    }
}
