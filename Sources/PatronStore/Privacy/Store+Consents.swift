import PatronCore
import SQLKit

/// A recorded consent statement, with who recorded it and when.
public struct ConsentEntry: Sendable, Hashable {
    public var id: String
    public var record: ConsentRecord
    public var recordedBy: String
    public var recordedAt: Timestamp
}

extension Store {
    /// Records a member's statements in one transaction, each kept in the history; the newest statement per purpose
    /// and channel is the one in force (an older one arriving late, as from an import, only joins the history).
    /// A statement that repeats the one in force is not recorded again, so a retry changes nothing. A statement
    /// without a policy version is taken to have been made under the version in force when it was given.
    public func recordConsents(
        _ records: [ConsentRecord], of memberID: String, recordedBy actor: String, at now: Timestamp
    ) async throws -> Consents {
        let members = self.members
        return try await database.write { database in
            try await Self.lockLiveMember(memberID, in: database)
            return try await Self.writeConsents(
                records, of: memberID, recordedBy: actor, at: now, members: members, in: database
            ).consents
        }
    }

    /// Records statements inside a transaction that has locked the member's row and found them not erased;
    /// `recorded` counts those that were not repeats.
    static func writeConsents(
        _ records: [ConsentRecord], of memberID: String, recordedBy actor: String, at now: Timestamp,
        members: MemberRepository, in database: any SQLDatabase
    ) async throws -> (consents: Consents, recorded: Int) {
        var recorded = 0
        let sealer = try await members.sealer(for: memberID, at: now.millisecondsSinceEpoch, in: database)
        var current = try await Self.currentConsents(of: memberID, in: database, opener: sealer)
        for (index, var record) in records.enumerated() {
            try await Self.resolvePolicy(of: &record, index: index, in: database)
            let inForce = current.first { $0.purpose == record.purpose && $0.channel == record.channel }
            if let inForce, record.restates(inForce) { continue }
            let id = Identifier.make(prefix: "cns", milliseconds: now.millisecondsSinceEpoch)
            try await database.raw(
                """
                INSERT INTO consent_records (record_id, member_id, purpose, channel, state, source, policy_version,
                                             evidence_ciphertext, recorded_by, given_at, recorded_at)
                VALUES (\(bind: id), \(bind: memberID), \(bind: record.purpose.rawValue),
                        \(bind: record.channel?.rawValue ?? ""), \(bind: record.state.rawValue),
                        \(bind: record.source.rawValue), \(bind: record.policyVersion),
                        \(bind: try record.evidence.map(sealer.seal)), \(bind: actor),
                        \(bind: record.givenAt.millisecondsSinceEpoch), \(bind: now.millisecondsSinceEpoch))
                """
            ).run()
            recorded += 1
            if let inForce, inForce.givenAt > record.givenAt { continue }
            try await database.raw(
                """
                INSERT INTO member_consents (member_id, purpose, channel, state, record_id, given_at)
                VALUES (\(bind: memberID), \(bind: record.purpose.rawValue), \(bind: record.channel?.rawValue ?? ""),
                        \(bind: record.state.rawValue), \(bind: id), \(bind: record.givenAt.millisecondsSinceEpoch))
                ON CONFLICT (member_id, purpose, channel) DO UPDATE SET state = excluded.state,
                    record_id = excluded.record_id, given_at = excluded.given_at
                """
            ).run()
            current.removeAll { $0.purpose == record.purpose && $0.channel == record.channel }
            current.append(record)
        }
        return (Consents(current: current.sorted(by: Self.consentOrder)), recorded)
    }

    /// The member's consents in force and every statement recorded, newest first.
    public func consents(of memberID: String) async throws -> (current: Consents, history: [ConsentEntry]) {
        let members = self.members
        return try await database.read { database in
            guard try await database.raw("SELECT id FROM members WHERE id = \(bind: memberID)").first() != nil else {
                throw MemberError.notFound(memberID: memberID)
            }
            let opener = members.opener(for: memberID, in: try await members.sealers(for: [memberID], in: database))
            let rows = try await database.raw(
                """
                SELECT * FROM consent_records WHERE member_id = \(bind: memberID)
                ORDER BY given_at DESC, recorded_at DESC, record_id DESC
                """
            ).all()
            let history = try rows.map { row in
                ConsentEntry(
                    id: try row.decode(column: "record_id", as: String.self),
                    record: try Self.consentRecord(from: row, opener: opener),
                    recordedBy: try row.decode(column: "recorded_by", as: String.self),
                    recordedAt: Timestamp(
                        millisecondsSinceEpoch: try row.decode(column: "recorded_at", as: Int64.self)))
            }
            let current = try await Self.currentConsents(of: memberID, in: database, opener: opener)
            return (Consents(current: current.sorted(by: Self.consentOrder)), history)
        }
    }

    /// "May I?": whether the member agreed to `purpose` (for marketing, on `channel`) and has not withdrawn.
    public func permits(
        _ memberID: String, _ purpose: ConsentPurpose, channel: ConsentChannel? = nil
    ) async throws
        -> Bool
    {
        let channel = purpose.keptChannel(channel)?.rawValue ?? ""
        let state = try await database.read { database in
            try await database.raw(
                """
                SELECT state FROM member_consents
                WHERE member_id = \(bind: memberID) AND purpose = \(bind: purpose.rawValue) AND channel = \(bind: channel)
                """
            ).first()?.decode(column: "state", as: String.self)
        }
        return ConsentState.permits(state.flatMap(ConsentState.init(rawValue:)))
    }

    static func lockLiveMember(_ memberID: String, in database: any SQLDatabase) async throws {
        guard
            let row = try await database.raw(
                "SELECT erased_at FROM members WHERE id = \(bind: memberID) \(MemberRepository.forUpdate(database))"
            ).first()
        else { throw MemberError.notFound(memberID: memberID) }
        if try row.decodeNil(column: "erased_at") == false { throw MemberError.erased(memberID: memberID) }
    }

    private static func resolvePolicy(
        of record: inout ConsentRecord, index: Int, in database: any SQLDatabase
    )
        async throws
    {
        if let version = record.policyVersion {
            guard
                try await database.raw("SELECT version FROM privacy_policies WHERE version = \(bind: version)").first()
                    != nil
            else { throw ConsentError.unknownPolicyVersion(index: index, version: version) }
            return
        }
        record.policyVersion = try await database.raw(
            """
            SELECT version FROM privacy_policies WHERE effective_from <= \(bind: record.givenAt.millisecondsSinceEpoch)
            ORDER BY effective_from DESC, version DESC LIMIT 1
            """
        ).first()?.decode(column: "version", as: String.self)
    }

    private static func currentConsents(
        of memberID: String, in database: any SQLDatabase, opener: PersonalSealer? = nil
    ) async throws -> [ConsentRecord] {
        try await database.raw(
            """
            SELECT r.* FROM member_consents c JOIN consent_records r ON r.record_id = c.record_id
            WHERE c.member_id = \(bind: memberID)
            """
        ).all().map { try consentRecord(from: $0, opener: opener) }
    }

    /// A stored statement; its evidence is opened only when `opener` is given.
    private static func consentRecord(from row: any SQLRow, opener: PersonalSealer?) throws -> ConsentRecord {
        let channel = try row.decode(column: "channel", as: String.self)
        return ConsentRecord(
            purpose: ConsentPurpose(rawValue: try row.decode(column: "purpose", as: String.self)) ?? .marketing,
            channel: channel.isEmpty ? nil : ConsentChannel(rawValue: channel),
            state: ConsentState(rawValue: try row.decode(column: "state", as: String.self)) ?? .withdrawn,
            source: ConsentSource(rawValue: try row.decode(column: "source", as: String.self)) ?? .staff,
            policyVersion: try row.decode(column: "policy_version", as: String?.self),
            evidence: try opener.flatMap { opener in
                try row.decode(column: "evidence_ciphertext", as: String?.self).map(opener.open)
            },
            givenAt: Timestamp(millisecondsSinceEpoch: try row.decode(column: "given_at", as: Int64.self)))
    }

    private static func consentOrder(_ left: ConsentRecord, _ right: ConsentRecord) -> Bool {
        (left.purpose.rawValue, left.channel?.rawValue ?? "") < (right.purpose.rawValue, right.channel?.rawValue ?? "")
    }
}
