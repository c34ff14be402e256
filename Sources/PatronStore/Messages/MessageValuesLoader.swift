import Foundation
import PatronCore
import SQLKit

/// Reads what messages' templates may show (``TemplateVariables``) for a batch of messages, a few queries for
/// the whole batch: the member, their tier and points, and the order, coupon or ticket a message is about.
struct MessageValuesLoader {
    let program: LoyaltyProgram
    let now: Int64
    let database: any SQLDatabase

    init(program: LoyaltyProgram, at instant: Timestamp, database: any SQLDatabase) {
        self.program = program
        self.now = instant.millisecondsSinceEpoch
        self.database = database
    }

    /// The values of each message (a key of the caller's, its references and its member), by key.
    func values(
        for messages: [(key: String, refs: MessageRefs, member: Member)]
    ) async throws -> [String: MessageValues] {
        guard !messages.isEmpty else { return [:] }
        let points = try await pointsByMember(Set(messages.map(\.member.id)))
        let orders = try await orders(Set(messages.compactMap(\.refs.orderID)))
        let coupons = try await coupons(Set(messages.compactMap(\.refs.couponCode)))
        let tickets = try await tickets(Set(messages.compactMap(\.refs.ticketID)))
        var result: [String: MessageValues] = [:]
        for message in messages {
            let member = message.member
            let chinese = member.language.map { !$0.lowercased().hasPrefix("en") } ?? true
            var objects: [String: [String: String]] = [:]
            var person = ["member_id": member.id]
            person["name"] = member.name
            objects["member"] = person
            let tierID = member.tier ?? program.tiers.lowest.tierID
            if let level = program.tiers.levels.first(where: { $0.tierID == tierID }) {
                objects["tier"] = ["tier_id": tierID, "name": chinese ? level.name.zh : level.name.en]
            }
            objects["points"] = points[member.id] ?? ["available": "0", "expiring": "0"]
            if let id = message.refs.orderID, let order = orders[id], order.member == member.id {
                objects["order"] = order.fields
            }
            if let code = message.refs.couponCode, let coupon = coupons[code], coupon.member == member.id {
                var fields = coupon.fields
                fields["reward"] = chinese ? coupon.name.zh : coupon.name.en
                objects["coupon"] = fields
            }
            if let id = message.refs.ticketID, let ticket = tickets[id], ticket.member == member.id {
                objects["ticket"] = ticket.fields
            }
            result[message.key] = MessageValues(objects: objects)
        }
        return result
    }

    private func day(_ milliseconds: Int64) -> String {
        program.utcOffset.date(of: Timestamp(millisecondsSinceEpoch: milliseconds)).isoString
    }

    private func list(_ ids: Set<String>) -> SQLList { SQLList(ids.sorted().map { SQLBind($0) }) }

    /// Spendable points, those expiring within the program's `expiring_soon_days`, and the first expiry day.
    private func pointsByMember(_ members: Set<String>) async throws -> [String: [String: String]] {
        let soon = now + Int64(program.expiringSoonDays) * 86_400_000
        var points: [String: [String: String]] = [:]
        for row in try await database.raw(
            "SELECT member_id, available FROM point_balances WHERE member_id IN (\(list(members)))"
        ).all() {
            points[try row.decode(column: "member_id", as: String.self)] = [
                "available": String(try row.decode(column: "available", as: Int64.self)), "expiring": "0",
            ]
        }
        for row in try await database.raw(
            """
            SELECT member_id,
                   CAST(SUM(CASE WHEN expires_at <= \(bind: soon) THEN remaining ELSE 0 END) AS BIGINT) AS expiring,
                   MIN(expires_at) AS first_expiry
            FROM point_lots
            WHERE member_id IN (\(list(members))) AND status = 'active' AND remaining > 0 AND expires_at IS NOT NULL
            GROUP BY member_id
            """
        ).all() {
            let member = try row.decode(column: "member_id", as: String.self)
            points[member, default: ["available": "0"]]["expiring"] = String(
                try row.decode(column: "expiring", as: Int64.self))
            points[member]?["expiring_on"] = try row.decode(column: "first_expiry", as: Int64?.self).map(day)
        }
        return points
    }

    private func orders(_ ids: Set<String>) async throws -> [String: (member: String, fields: [String: String])] {
        guard !ids.isEmpty else { return [:] }
        var orders: [String: (member: String, fields: [String: String])] = [:]
        for row in try await database.raw(
            "SELECT order_id, member_id, total_minor, currency, occurred_at FROM orders WHERE order_id IN (\(list(ids)))"
        ).all() {
            let id = try row.decode(column: "order_id", as: String.self)
            let code = try row.decode(column: "currency", as: String.self)
            let total = try row.decode(column: "total_minor", as: Int64.self)
            orders[id] = (
                try row.decode(column: "member_id", as: String.self),
                [
                    "order_id": id, "currency": code,
                    "total": Currency(code: code)?.amount(total) ?? String(total),
                    "occurred_on": day(try row.decode(column: "occurred_at", as: Int64.self)),
                ]
            )
        }
        return orders
    }

    private func coupons(
        _ codes: Set<String>
    ) async throws -> [String: (member: String, name: LocalizedName, fields: [String: String])] {
        guard !codes.isEmpty else { return [:] }
        var coupons: [String: (member: String, name: LocalizedName, fields: [String: String])] = [:]
        for row in try await database.raw(
            """
            SELECT r.coupon_code, r.member_id, r.expires_at, w.definition FROM redemptions r
            JOIN rewards w ON w.reward_id = r.reward_id WHERE r.coupon_code IN (\(list(codes)))
            """
        ).all() {
            let code = try row.decode(column: "coupon_code", as: String.self)
            let reward = try JSONDecoder().decode(
                Reward.self, from: Data(try row.decode(column: "definition", as: String.self).utf8))
            var fields = ["code": code]
            fields["expires_on"] = try row.decode(column: "expires_at", as: Int64?.self).map(day)
            coupons[code] = (try row.decode(column: "member_id", as: String.self), reward.name, fields)
        }
        return coupons
    }

    private func tickets(_ ids: Set<String>) async throws -> [String: (member: String?, fields: [String: String])] {
        guard !ids.isEmpty else { return [:] }
        var tickets: [String: (member: String?, fields: [String: String])] = [:]
        for row in try await database.raw(
            "SELECT ticket_id, member_id, state FROM tickets WHERE ticket_id IN (\(list(ids)))"
        ).all() {
            let id = try row.decode(column: "ticket_id", as: String.self)
            tickets[id] = (
                try row.decode(column: "member_id", as: String?.self),
                ["ticket_id": id, "status": try row.decode(column: "state", as: String.self)]
            )
        }
        return tickets
    }
}

extension Store {
    /// What a template shows for this member now, and the language they read: for previews.
    public func messageValues(
        memberID: String, refs: MessageRefs, program: LoyaltyProgram
    ) async throws -> (values: MessageValues, language: String?) {
        let members = self.members
        let now = clock.now
        return try await database.read { database in
            guard let member = try await members.find(id: memberID, in: database) else {
                throw MemberError.notFound(memberID: memberID)
            }
            let values = try await MessageValuesLoader(program: program, at: now, database: database)
                .values(for: [(memberID, refs, member)])
            return (values[memberID] ?? MessageValues(), member.language)
        }
    }
}
