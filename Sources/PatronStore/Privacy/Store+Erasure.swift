import PatronCore
import SQLKit

extension Store {
    /// Forgets a member (crypto-shredding): destroys the member's data key, deletes the identities and device
    /// digests that could find them and their consent statements, blanks their events' payloads and leaves a
    /// tombstone without personal data. Orders, the points ledger and tier history stay, pseudonymous, so totals,
    /// liability and models do not change. Idempotent: erasing an erased member answers the first erasure's
    /// request, `erasedNow` false.
    public func eraseMember(
        _ memberID: String, handledBy actor: String, at now: Timestamp
    ) async throws -> (
        request: PrivacyRequest, erasedNow: Bool
    ) {
        let protector = self.protector
        return try await database.write { database in
            guard let locked = try await Self.lockForErasure(memberID, in: database) else {
                throw MemberError.notFound(memberID: memberID)
            }
            guard case .live(let externalID) = locked else {
                guard let first = try await Self.privacyRequests(of: memberID, kind: .erase, in: database).first else {
                    throw MemberError.erased(memberID: memberID)
                }
                return (first, false)
            }
            let request = try await Self.erase(
                memberID, externalID: externalID, handledBy: actor, at: now, protector: protector, in: database)
            return (request, true)
        }
    }

    /// A member's row as erasure finds it once locked.
    enum ErasureLock {
        case live(externalID: String?)
        case erased
    }

    /// Locks a member's row, as a profile update does, before erasure locks the balance, as an order does.
    /// Nil when there is no such member.
    static func lockForErasure(_ memberID: String, in database: any SQLDatabase) async throws -> ErasureLock? {
        guard
            let row = try await database.raw(
                """
                SELECT external_id, erased_at FROM members WHERE id = \(bind: memberID)
                \(MemberRepository.forUpdate(database))
                """
            ).first()
        else { return nil }
        if try row.decodeNil(column: "erased_at") == false { return .erased }
        return .live(externalID: try row.decode(column: "external_id", as: String?.self))
    }

    /// Erases a member whose row ``lockForErasure(_:in:)`` locked, recording the request as `actor`'s.
    static func erase(
        _ memberID: String, externalID: String?, handledBy actor: String, at now: Timestamp,
        protector: DataProtector, in database: any SQLDatabase
    ) async throws -> PrivacyRequest {
        let externalIndex = externalID.map {
            protector.blindIndex(kind: Self.erasedExternalIDKind, value: $0)
        }
        let at = now.millisecondsSinceEpoch
        try await database.raw(
            """
            INSERT INTO point_balances (member_id, available, pending, lifetime_earned, debt, updated_at, closed_at)
            VALUES (\(bind: memberID), 0, 0, 0, 0, \(bind: at), \(bind: at))
            ON CONFLICT (member_id) DO UPDATE SET closed_at = \(bind: at)
            """
        ).run()
        try await database.raw(
            """
            UPDATE members SET status = \(bind: MemberStatus.erased.rawValue), external_id = NULL,
                erased_external_index = \(bind: externalIndex), name_ciphertext = NULL,
                birthday_ciphertext = NULL, attributes = '{}', erased_at = \(bind: at), updated_at = \(bind: at)
            WHERE id = \(bind: memberID)
            """
        ).run()
        var outcome: [String: Int64] = [:]
        outcome["identities"] = try await Self.deleteCounting(
            "DELETE FROM member_identities WHERE member_id = \(bind: memberID) RETURNING kind", in: database)
        outcome["devices"] = try await Self.deleteCounting(
            "DELETE FROM member_devices WHERE member_id = \(bind: memberID) RETURNING device_index", in: database)
        try await database.raw("DELETE FROM member_consents WHERE member_id = \(bind: memberID)").run()
        outcome["consents"] = try await Self.deleteCounting(
            "DELETE FROM consent_records WHERE member_id = \(bind: memberID) RETURNING record_id", in: database)
        outcome["feedback"] = try await Self.deleteCounting(
            """
            UPDATE feedback SET contact_ciphertext = NULL, text_ciphertext = NULL, text_removed_at = \(bind: at)
            WHERE member_id = \(bind: memberID) AND text_removed_at IS NULL RETURNING feedback_id
            """, in: database)
        outcome["tickets"] = try await Self.deleteCounting(
            "UPDATE tickets SET subject_ciphertext = NULL WHERE member_id = \(bind: memberID) RETURNING ticket_id",
            in: database)
        try await database.raw(
            """
            UPDATE ticket_messages SET body_ciphertext = NULL
            WHERE ticket_id IN (SELECT ticket_id FROM tickets WHERE member_id = \(bind: memberID))
            """
        ).run()
        outcome["keys"] = try await Self.deleteCounting(
            "DELETE FROM member_keys WHERE member_id = \(bind: memberID) RETURNING member_id", in: database)
        outcome["events"] = try await Self.deleteCounting(
            """
            UPDATE events SET user_id = NULL, anonymous_id = NULL, properties = '{}', traits = '{}', context = '{}'
            WHERE member_id = \(bind: memberID) RETURNING message_id
            """, in: database)
        try await Outbox.emit(.memberErased, memberID: memberID, data: [:], at: at, in: database)
        let request = PrivacyRequest(
            id: Identifier.make(prefix: "prq", milliseconds: at), kind: .erase, memberID: memberID,
            state: .completed, receivedAt: now, dueAt: PrivacyRequest.due(receivedAt: now), completedAt: now,
            handledBy: actor, outcome: outcome)
        try await Self.insert(request, in: database)
        return request
    }

    /// The blind-index kind of an erased member's external id: kept so a till sending it again is told the
    /// member was erased instead of silently starting a new profile for the same person.
    static let erasedExternalIDKind = "erased_external_id"

    private static func deleteCounting(_ query: SQLQueryString, in database: any SQLDatabase) async throws -> Int64 {
        Int64(try await database.raw(query).all().count)
    }
}
