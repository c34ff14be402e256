import PatronCore
import SQLKit

extension MemberRepository {
    /// What seals this member's personal data: the member's key, created on the first personal field written.
    func sealer(for memberID: String, at now: Int64, in database: any SQLDatabase) async throws -> PersonalSealer {
        if let existing = try await sealers(for: [memberID], in: database)[memberID] { return existing }
        let (key, wrapped) = try protector.newMemberKey()
        let inserted = try await database.raw(
            """
            INSERT INTO member_keys (member_id, wrapped_key, master_key_id, created_at)
            VALUES (\(bind: memberID), \(bind: wrapped), \(bind: protector.masterKeyID), \(bind: now))
            ON CONFLICT (member_id) DO NOTHING RETURNING member_id
            """
        ).first()
        if inserted != nil { return PersonalSealer(protector: protector, key: key) }
        // Another transaction created it first.
        return try await sealers(for: [memberID], in: database)[memberID]
            ?? PersonalSealer(protector: protector, key: nil)
    }

    /// The sealers of these members that have keys; a member without one has nothing sealed under a key of its own.
    func sealers(for memberIDs: [String], in database: any SQLDatabase) async throws -> [String: PersonalSealer] {
        guard !memberIDs.isEmpty else { return [:] }
        var sealers: [String: PersonalSealer] = [:]
        for chunk in memberIDs.chunks(of: 500) {
            let rows = try await database.raw(
                """
                SELECT member_id, wrapped_key FROM member_keys
                WHERE member_id IN (\(SQLList(chunk.map { SQLBind($0) })))
                """
            ).all()
            for row in rows {
                sealers[try row.decode(column: "member_id", as: String.self)] = try opener(
                    wrapped: try row.decode(column: "wrapped_key", as: String.self))
            }
        }
        return sealers
    }

    /// The sealer of a member whose wrapped key (if any) was read with their row.
    func opener(wrapped: String?) throws -> PersonalSealer {
        PersonalSealer(protector: protector, key: try wrapped.map(protector.unwrap))
    }

    /// The sealer to open a member's data with: the member's key, or the shared key for data sealed before
    /// members had keys.
    func opener(for memberID: String, in sealers: [String: PersonalSealer]) -> PersonalSealer {
        sealers[memberID] ?? PersonalSealer(protector: protector, key: nil)
    }
}
