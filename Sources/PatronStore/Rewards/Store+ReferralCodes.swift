import PatronCore
import SQLKit

/// A member's referral code and how their referrals are doing.
public struct ReferralSummary: Sendable, Hashable {
    public var memberID: String
    /// `nil` until the member first asks for a code.
    public var code: String?
    public var referredBy: String?
    /// Referrals by status; a status nobody is in counts zero.
    public var counts: [ReferralStatus: Int]

    public var joined: Int { counts[.joined] ?? 0 }
    public var qualifying: Int { counts[.qualifying] ?? 0 }
    public var rewarded: Int { counts[.rewarded] ?? 0 }
}

extension Store {
    /// The member's referral code, made on the first call; a `deviceID` is remembered (hashed) so a later
    /// sign-up from the same device cannot use the code.
    public func makeReferralCode(
        memberID: String, deviceID: String?, at instant: Timestamp
    ) async throws
        -> ReferralSummary
    {
        let protector = members.protector
        try await database.write { database in
            let now = instant.millisecondsSinceEpoch
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
            var counts: [ReferralStatus: Int] = [:]
            for row in try await database.raw(
                """
                SELECT status, CAST(COUNT(*) AS BIGINT) AS count FROM referrals WHERE referrer_id = \(bind: memberID)
                GROUP BY status
                """
            ).all() {
                if let status = ReferralStatus(rawValue: try row.decode(column: "status", as: String.self)) {
                    counts[status] = try row.decode(column: "count", as: Int.self)
                }
            }
            return ReferralSummary(memberID: memberID, code: code, referredBy: referredBy, counts: counts)
        }
    }

    /// Links a member to the owner of `code` at `now`, when ``ReferralProgram/decide(_:)`` allows it. The
    /// sign-up's `email`, `phone` and `deviceID`, when given, are checked against the referrer's. Joining
    /// again with the same code answers the same link.
    public func joinReferral(
        code: String, memberID: String, email: EmailAddress?, phone: PhoneNumber?, deviceID: String?,
        at instant: Timestamp
    ) async throws -> (result: ReferralLink, isReplay: Bool) {
        guard let code = ReferralCode.normalise(code) else { throw RewardError.referralCodeNotFound(code: code) }
        let store = self
        let engine = database.engine
        return try await database.write { database in
            let now = instant.millisecondsSinceEpoch
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
            guard let referrer = try await store.members.find(id: referrerID, in: database) else {
                throw RewardError.referralCodeNotFound(code: code)
            }
            let existing = try await Self.referralLink(refereeID: memberID, in: database)
            let facts = try await store.joinFacts(
                referee: referee, referrer: referrer, existing: existing, email: email, phone: phone,
                deviceID: deviceID, in: database)
            switch program.referral.decide(facts) {
            case .refused(let refusal): throw RewardError.referralRefused(refusal)
            case .alreadyLinked:
                if let existing { return (existing, true) }
                throw RewardError.referralRefused(.alreadyReferred)
            case .link: break
            }
            if let deviceID {
                try await Self.rememberDevice(
                    deviceID, of: memberID, protector: store.members.protector, at: now, in: database)
            }
            let link = ReferralLink(refereeID: memberID, referrerID: referrerID, status: .joined, createdAt: instant)
            try await database.raw(
                """
                INSERT INTO referrals (referee_id, referrer_id, status, created_at)
                VALUES (\(bind: memberID), \(bind: referrerID), \(bind: link.status.rawValue), \(bind: now))
                """
            ).run()
            return (link, false)
        }
    }

    /// Everything that decides a sign-up with a code; sign-ups are rare, so all of it is read each time.
    private func joinFacts(
        referee: Member, referrer: Member, existing: ReferralLink?, email: EmailAddress?, phone: PhoneNumber?,
        deviceID: String?, in database: any SQLDatabase
    ) async throws -> ReferralJoinFacts {
        var sharesDevice = false
        if let deviceID {
            let index = members.protector.blindIndex(kind: "device", value: deviceID)
            sharesDevice =
                try await database.raw(
                    """
                    SELECT member_id FROM member_devices
                    WHERE member_id = \(bind: referrer.id) AND device_index = \(bind: index)
                    """
                ).first() != nil
        }
        let hasOrdered =
            try await database.raw("SELECT order_id FROM orders WHERE member_id = \(bind: referee.id) LIMIT 1")
            .first() != nil
        // Up the referrer's chain, as far as it goes (bounded, in case of a damaged chain).
        var ancestors: [String] = []
        var ancestor = referrer.id
        for _ in 0..<1000 {
            guard let link = try await Self.referralLink(refereeID: ancestor, in: database) else { break }
            ancestors.append(link.referrerID)
            if link.referrerID == referee.id { break }
            ancestor = link.referrerID
        }
        let referrals =
            try await database.raw(
                "SELECT CAST(COUNT(*) AS BIGINT) AS count FROM referrals WHERE referrer_id = \(bind: referrer.id)"
            ).first()?.decode(column: "count", as: Int.self) ?? 0
        return ReferralJoinFacts(
            refereeID: referee.id, referrerID: referrer.id, existingReferrerID: existing?.referrerID,
            refereeEmails: [email, referee.email.flatMap(EmailAddress.init)].compactMap { $0 },
            refereePhones: [phone?.e164, referee.phone].compactMap { $0 },
            referrerEmail: referrer.email.flatMap(EmailAddress.init), referrerPhone: referrer.phone,
            sharesReferrerDevice: sharesDevice, refereeHasOrdered: hasOrdered, referrerAncestors: ancestors,
            referrerReferrals: referrals)
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
            status: ReferralStatus(rawValue: try row.decode(column: "status", as: String.self)) ?? .joined,
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
}
