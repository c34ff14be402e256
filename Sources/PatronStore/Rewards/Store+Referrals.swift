import PatronCore
import SQLKit

/// A member's referral code and how their referrals are doing.
public struct ReferralSummary: Sendable, Hashable {
    public var memberID: String
    /// `nil` until the member first asks for a code.
    public var code: String?
    public var referredBy: String?
    public var joined: Int
    public var qualifying: Int
    public var rewarded: Int
}

/// A new member linked to the member who referred them.
public struct ReferralLink: Sendable, Hashable, Codable {
    public var refereeID: String
    public var referrerID: String
    /// `joined`, then `qualifying` once an order of at least the minimum is placed, then `rewarded` when
    /// that order was not refunded within the return window.
    public var status: String
    public var orderID: String?
    public var dueAt: Timestamp?
    public var rewardedAt: Timestamp?
    public var createdAt: Timestamp

    enum CodingKeys: String, CodingKey {
        case refereeID = "referee_id"
        case referrerID = "referrer_id"
        case status
        case orderID = "order_id"
        case dueAt = "due_at"
        case rewardedAt = "rewarded_at"
        case createdAt = "created_at"
    }
}

/// Program-wide referral figures.
public struct ReferralReport: Sendable, Hashable {
    public var linked: Int64
    public var qualifying: Int64
    public var rewarded: Int64
    /// Rewarded ÷ linked, 0 when nobody was referred.
    public var conversionRate: Double { linked == 0 ? 0 : Double(rewarded) / Double(linked) }
    /// Orders placed by referred members since they were linked, net of refunds, and how many.
    public var referredRevenueMinor: Int64
    public var referredOrders: Int64
}

extension Store {
    /// The member's referral code, made on the first call; a `deviceID` is remembered (hashed) so a later
    /// sign-up from the same device cannot use the code.
    public func makeReferralCode(memberID: String, deviceID: String?) async throws -> ReferralSummary {
        let protector = members.protector
        try await database.write { database in
            let now = Clock.nowMilliseconds()
            guard try await database.raw("SELECT id FROM members WHERE id = \(bind: memberID)").first() != nil else {
                throw LedgerError.memberNotFound(memberID: memberID)
            }
            // A fresh code collides with another member's with odds of 1 in 2^40 per member; try again then.
            for _ in 0..<5 {
                try await database.raw(
                    """
                    INSERT INTO referral_codes (member_id, code, created_at)
                    VALUES (\(bind: memberID), \(bind: ReferralCode.make()), \(bind: now)) ON CONFLICT DO NOTHING
                    """
                ).run()
                if try await database.raw("SELECT code FROM referral_codes WHERE member_id = \(bind: memberID)")
                    .first() != nil
                {
                    break
                }
            }
            if let deviceID {
                try await Self.rememberDevice(deviceID, of: memberID, protector: protector, at: now, in: database)
            }
        }
        guard let summary = try await referralSummary(memberID: memberID) else {
            throw LedgerError.memberNotFound(memberID: memberID)
        }
        return summary
    }

    public func referralSummary(memberID: String) async throws -> ReferralSummary? {
        try await database.read { database in
            guard try await database.raw("SELECT id FROM members WHERE id = \(bind: memberID)").first() != nil else {
                return nil
            }
            let code = try await database.raw("SELECT code FROM referral_codes WHERE member_id = \(bind: memberID)")
                .first()?.decode(column: "code", as: String.self)
            let referredBy = try await database.raw(
                "SELECT referrer_id FROM referrals WHERE referee_id = \(bind: memberID)"
            ).first()?.decode(column: "referrer_id", as: String.self)
            var counts: [String: Int] = [:]
            for row in try await database.raw(
                """
                SELECT status, COUNT(*) AS count FROM referrals WHERE referrer_id = \(bind: memberID) GROUP BY status
                """
            ).all() {
                counts[try row.decode(column: "status", as: String.self)] = try row.decode(
                    column: "count", as: Int.self)
            }
            return ReferralSummary(
                memberID: memberID, code: code, referredBy: referredBy, joined: counts["joined"] ?? 0,
                qualifying: counts["qualifying"] ?? 0, rewarded: counts["rewarded"] ?? 0)
        }
    }

    /// Links a member who has not ordered yet to the owner of `code`. The sign-up's `email`, `phone` and
    /// `deviceID`, when given, are checked against the referrer's. Joining again with the same code answers
    /// the same link.
    public func joinReferral(
        code: String, memberID: String, email: EmailAddress?, phone: PhoneNumber?, deviceID: String?
    ) async throws -> (result: ReferralLink, isReplay: Bool) {
        guard let code = ReferralCode.normalise(code) else { throw RewardError.referralCodeNotFound(code: code) }
        let store = self
        let engine = database.engine
        return try await database.write { database in
            let now = Clock.nowMilliseconds()
            let (_, program) = try await store.programs.current(in: database)
            // Locking the referrer's code serialises their sign-ups, so the cap holds under concurrency.
            let lock: SQLQueryString = engine == .postgres ? "FOR UPDATE" : ""
            guard
                let referrerID = try await database.raw(
                    "SELECT member_id FROM referral_codes WHERE code = \(bind: code) \(lock)"
                ).first()?.decode(column: "member_id", as: String.self)
            else { throw RewardError.referralCodeNotFound(code: code) }
            guard let referee = try await store.members.find(id: memberID, in: database) else {
                throw LedgerError.memberNotFound(memberID: memberID)
            }
            if referrerID == memberID { throw RewardError.referralRefused(.selfReferral) }
            if let existing = try await Self.referralLink(refereeID: memberID, in: database) {
                guard existing.referrerID == referrerID else {
                    throw RewardError.referralRefused(.alreadyReferred)
                }
                return (existing, true)
            }
            guard let referrer = try await store.members.find(id: referrerID, in: database) else {
                throw RewardError.referralCodeNotFound(code: code)
            }
            if let refusal = try await store.referralRefusal(
                referee: referee, referrer: referrer, email: email, phone: phone, deviceID: deviceID,
                program: program, in: database)
            {
                throw RewardError.referralRefused(refusal)
            }
            if let deviceID {
                try await Self.rememberDevice(
                    deviceID, of: memberID, protector: store.members.protector, at: now, in: database)
            }
            try await database.raw(
                """
                INSERT INTO referrals (referee_id, referrer_id, status, created_at)
                VALUES (\(bind: memberID), \(bind: referrerID), 'joined', \(bind: now))
                """
            ).run()
            return (
                ReferralLink(
                    refereeID: memberID, referrerID: referrerID, status: "joined",
                    createdAt: Timestamp(millisecondsSinceEpoch: now)),
                false
            )
        }
    }

    private func referralRefusal(
        referee: Member, referrer: Member, email: EmailAddress?, phone: PhoneNumber?, deviceID: String?,
        program: LoyaltyProgram, in database: any SQLDatabase
    ) async throws -> ReferralRefusal? {
        if referee.id == referrer.id { return .selfReferral }
        let refereeMailboxes = Set(
            [email?.mailbox, referee.email.flatMap(EmailAddress.init)?.mailbox].compactMap { $0 })
        if let mailbox = referrer.email.flatMap(EmailAddress.init)?.mailbox, refereeMailboxes.contains(mailbox) {
            return .selfReferral
        }
        if let phone, phone.e164 == referrer.phone { return .selfReferral }
        if let deviceID {
            let index = members.protector.blindIndex(kind: "device", value: deviceID)
            if try await database.raw(
                """
                SELECT member_id FROM member_devices
                WHERE member_id = \(bind: referrer.id) AND device_index = \(bind: index)
                """
            ).first() != nil {
                return .selfReferral
            }
        }
        if try await database.raw("SELECT order_id FROM orders WHERE member_id = \(bind: referee.id) LIMIT 1").first()
            != nil
        {
            return .notNew
        }
        // Up the referrer's chain: meeting the new member there would close a loop.
        var ancestor = referrer.id
        for _ in 0..<1000 {
            guard let link = try await Self.referralLink(refereeID: ancestor, in: database) else { break }
            if link.referrerID == referee.id { return .loop }
            ancestor = link.referrerID
        }
        let count =
            try await database.raw(
                "SELECT COUNT(*) AS count FROM referrals WHERE referrer_id = \(bind: referrer.id)"
            ).first()?.decode(column: "count", as: Int.self) ?? 0
        if count >= program.referral.maxReferralsPerMember { return .referrerCapReached }
        return nil
    }

    static func referralLink(refereeID: String, in database: any SQLDatabase) async throws -> ReferralLink? {
        guard
            let row = try await database.raw(
                """
                SELECT referee_id, referrer_id, status, order_id, due_at, rewarded_at, created_at FROM referrals
                WHERE referee_id = \(bind: refereeID)
                """
            ).first()
        else { return nil }
        func instant(_ column: String) throws -> Timestamp? {
            try row.decode(column: column, as: Int64?.self).map { Timestamp(millisecondsSinceEpoch: $0) }
        }
        return ReferralLink(
            refereeID: try row.decode(column: "referee_id", as: String.self),
            referrerID: try row.decode(column: "referrer_id", as: String.self),
            status: try row.decode(column: "status", as: String.self),
            orderID: try row.decode(column: "order_id", as: String?.self), dueAt: try instant("due_at"),
            rewardedAt: try instant("rewarded_at"),
            createdAt: Timestamp(millisecondsSinceEpoch: try row.decode(column: "created_at", as: Int64.self)))
    }

    static func rememberDevice(
        _ deviceID: String, of memberID: String, protector: DataProtector, at now: Int64, in database: any SQLDatabase
    ) async throws {
        try await database.raw(
            """
            INSERT INTO member_devices (member_id, device_index, created_at)
            VALUES (\(bind: memberID), \(bind: protector.blindIndex(kind: "device", value: deviceID)), \(bind: now))
            ON CONFLICT DO NOTHING
            """
        ).run()
    }

    /// In the order's transaction: a referred member's order of at least the minimum starts the wait for
    /// the return window. One primary-key update, a no-op for members nobody referred.
    func noteReferralOrder(_ order: Order, program: LoyaltyProgram, in database: any SQLDatabase) async throws {
        guard order.totalMinor >= program.referral.minOrderMinor else { return }
        let due =
            order.occurredAt.millisecondsSinceEpoch + Int64(program.returnWindowDays) * 86_400_000
        try await database.raw(
            """
            UPDATE referrals SET status = 'qualifying', order_id = \(bind: order.orderID), due_at = \(bind: due)
            WHERE referee_id = \(bind: order.memberID) AND status = 'joined'
            """
        ).run()
    }

    /// In a refund's transaction: a refunded qualifying order no longer qualifies; a later order may.
    func noteReferralRefund(orderID: String, memberID: String, in database: any SQLDatabase) async throws {
        try await database.raw(
            """
            UPDATE referrals SET status = 'joined', order_id = NULL, due_at = NULL
            WHERE referee_id = \(bind: memberID) AND status = 'qualifying' AND order_id = \(bind: orderID)
            """
        ).run()
    }

    /// Rewards both members of every referral whose qualifying order outlived its return window by
    /// `instant`. Each referral is settled in its own transaction; running twice changes nothing.
    public func settleReferrals(asOf instant: Timestamp) async throws -> Int {
        let store = self
        var settled = 0
        while true {
            let due = try await database.read { database in
                try await database.raw(
                    """
                    SELECT referee_id FROM referrals
                    WHERE status = 'qualifying' AND due_at <= \(bind: instant.millisecondsSinceEpoch)
                    ORDER BY due_at, referee_id LIMIT 500
                    """
                ).all().map { try $0.decode(column: "referee_id", as: String.self) }
            }
            if due.isEmpty { return settled }
            for refereeID in due {
                if try await store.settleReferral(refereeID: refereeID, asOf: instant) { settled += 1 }
            }
        }
    }

    private func settleReferral(refereeID: String, asOf instant: Timestamp) async throws -> Bool {
        let store = self
        return try await database.write { database in
            let now = Clock.nowMilliseconds()
            let (_, program) = try await store.programs.current(in: database)
            guard let link = try await Self.referralLink(refereeID: refereeID, in: database),
                link.status == "qualifying"
            else { return false }
            // Balances before the referral row, as an order or a refund of the referee takes them.
            try await store.lockBalances(of: [link.referrerID, refereeID], at: now, in: database)
            guard
                try await database.raw(
                    """
                    UPDATE referrals SET status = 'rewarded', rewarded_at = \(bind: now)
                    WHERE referee_id = \(bind: refereeID) AND status = 'qualifying'
                      AND due_at <= \(bind: instant.millisecondsSinceEpoch)
                    RETURNING referrer_id
                    """
                ).first() != nil
            else { return false }
            let referrerID = link.referrerID
            let referral = program.referral
            for (memberID, points, rewardID, role) in [
                (referrerID, referral.referrerPoints, referral.referrerRewardID, "referring \(refereeID)"),
                (refereeID, referral.refereePoints, referral.refereeRewardID, "joining through \(referrerID)"),
            ] {
                try await store.grant(
                    GrantedReward(points: points > 0 ? points : nil, rewardID: rewardID), to: memberID,
                    source: "referral", campaignID: "referral:\(refereeID)", reason: "referral reward for \(role)",
                    rewardIsOptional: true,
                    at: now, in: database)
            }
            return true
        }
    }

    public func referralReport() async throws -> ReferralReport {
        try await database.read { database in
            var counts: [String: Int64] = [:]
            for row in try await database.raw("SELECT status, COUNT(*) AS count FROM referrals GROUP BY status").all() {
                counts[try row.decode(column: "status", as: String.self)] = try row.decode(
                    column: "count", as: Int64.self)
            }
            let revenue = try await database.raw(
                """
                SELECT CAST(COUNT(*) AS BIGINT) AS orders,
                       CAST(COALESCE(SUM(o.total_minor - COALESCE(r.refunded, 0)), 0) AS BIGINT) AS revenue
                FROM orders o
                JOIN referrals f ON f.referee_id = o.member_id AND o.created_at >= f.created_at
                LEFT JOIN (SELECT order_id, SUM(amount_minor) AS refunded FROM refunds GROUP BY order_id) r
                       ON r.order_id = o.order_id
                """
            ).first()
            return ReferralReport(
                linked: counts.values.reduce(0, +), qualifying: counts["qualifying"] ?? 0,
                rewarded: counts["rewarded"] ?? 0,
                referredRevenueMinor: try revenue?.decode(column: "revenue", as: Int64.self) ?? 0,
                referredOrders: try revenue?.decode(column: "orders", as: Int64.self) ?? 0)
        }
    }
}
