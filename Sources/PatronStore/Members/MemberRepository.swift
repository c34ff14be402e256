import Foundation
import PatronCore
import SQLKit

/// Reads and writes members inside a caller's transaction; personal data is encrypted on the way in
/// and decrypted on the way out.
public struct MemberRepository: Sendable {
    let protector: DataProtector

    /// How a profile update treats fields the member already has.
    public enum UpdateMode: Sendable {
        /// Given fields replace stored ones; an email or phone owned by someone else is refused.
        case overwrite
        /// Given fields only fill blanks; conflicts are skipped (profiles arriving with orders).
        case fillBlanks

        var overwritesFields: Bool { self == .overwrite }
        var refusesTakenIdentities: Bool { self == .overwrite }
    }

    public func find(id: String, in database: any SQLDatabase) async throws -> Member? {
        try await load(where: SQLQueryString("m.id = \(bind: id)"), in: database).first
    }

    /// The members with these ids that exist, by id order.
    public func find(ids: [String], in database: any SQLDatabase) async throws -> [Member] {
        guard !ids.isEmpty else { return [] }
        return try await load(
            where: SQLQueryString("m.id IN (\(SQLList(ids.map { SQLBind($0) })))"), limit: ids.count, in: database)
    }

    public func find(externalID: String, in database: any SQLDatabase) async throws -> Member? {
        try await load(where: SQLQueryString("m.external_id = \(bind: externalID)"), in: database).first
    }

    /// The member holding this normalised email or phone.
    public func find(_ kind: IdentityKind, value: String, in database: any SQLDatabase) async throws -> Member? {
        guard let id = try await owner(of: kind, value: value, in: database) else { return nil }
        return try await find(id: id, in: database)
    }

    /// A page of members in creation order, after the member id `cursor`.
    public func list(after cursor: String?, limit: Int, in database: any SQLDatabase) async throws -> [Member] {
        try await load(
            where: SQLQueryString("m.id > \(bind: cursor ?? "")"), limit: limit, in: database)
    }

    /// The id of the member with this external id, creating a bare member when there is none.
    /// Race-free: the unique external id decides which of two concurrent creators wins.
    public func ensure(
        externalID: String, at now: Int64, in database: any SQLDatabase
    ) async throws -> (
        id: String, created: Bool
    ) {
        let candidate = Identifier.make(prefix: "mem", milliseconds: now)
        let inserted = try await database.raw(
            """
            INSERT INTO members (id, external_id, status, attributes, joined_at, created_at, updated_at)
            VALUES (\(bind: candidate), \(bind: externalID), 'active', '{}', \(bind: now), \(bind: now), \(bind: now))
            ON CONFLICT (external_id) DO NOTHING RETURNING id
            """
        ).first()
        if inserted != nil {
            do {
                try await refuseErased(externalIDs: [externalID], in: database)
            } catch {
                try await discard(id: candidate, in: database)
                throw error
            }
            return (candidate, true)
        }
        let row = try await database.raw("SELECT id FROM members WHERE external_id = \(bind: externalID)").first()
        guard let row else { throw MemberError.notFound(memberID: externalID) }
        return (try row.decode(column: "id", as: String.self), false)
    }

    /// The ids of the members with these external ids, creating bare members for the unknown ones: two
    /// statements for the whole set. Ids are inserted in sorted order so concurrent callers lock alike.
    public func ensureAll(
        externalIDs: Set<String>, at now: Int64, in database: any SQLDatabase
    ) async throws -> [String: String] {
        guard !externalIDs.isEmpty else { return [:] }
        let sorted = externalIDs.sorted()
        var insert = database.insert(into: "members").columns(
            "id", "external_id", "status", "attributes", "joined_at", "created_at", "updated_at")
        for externalID in sorted {
            insert = insert.values(
                SQLBind(Identifier.make(prefix: "mem", milliseconds: now)), SQLBind(externalID), SQLBind("active"),
                SQLBind("{}"), SQLBind(now), SQLBind(now), SQLBind(now))
        }
        try await insert.ignoringConflicts(with: "external_id").run()
        try await refuseErased(externalIDs: sorted, in: database)
        let rows = try await database.select().columns("id", "external_id").from("members")
            .where("external_id", .in, sorted).all()
        var ids: [String: String] = [:]
        for row in rows {
            ids[try row.decode(column: "external_id", as: String.self)] = try row.decode(column: "id", as: String.self)
        }
        return ids
    }

    /// Locks the rows a SELECT reads until the transaction ends, on PostgreSQL; SQLite has one writer at a time.
    static func forUpdate(_ database: any SQLDatabase) -> SQLQueryString {
        database.dialect.name == "postgresql" ? "FOR UPDATE" : ""
    }

    /// Refuses external ids that belonged to erased members: a till sending one again learns that the person
    /// was erased, rather than Patron starting a new profile of them unnoticed.
    private func refuseErased(externalIDs: [String], in database: any SQLDatabase) async throws {
        for chunk in externalIDs.chunks(of: 500) {
            let indexes = chunk.map { SQLBind(protector.blindIndex(kind: Store.erasedExternalIDKind, value: $0)) }
            if let erased = try await database.raw(
                "SELECT id FROM members WHERE erased_external_index IN (\(SQLList(indexes)))"
            ).first() {
                throw MemberError.erased(memberID: try erased.decode(column: "id", as: String.self))
            }
        }
    }

    /// Creates a member without an external id (known only by email or phone).
    public func create(at now: Int64, in database: any SQLDatabase) async throws -> String {
        let id = Identifier.make(prefix: "mem", milliseconds: now)
        try await database.raw(
            """
            INSERT INTO members (id, status, attributes, joined_at, created_at, updated_at)
            VALUES (\(bind: id), 'active', '{}', \(bind: now), \(bind: now), \(bind: now))
            """
        ).run()
        return id
    }

    /// Removes a member created in this transaction that turned out to be someone already known.
    func discard(id: String, in database: any SQLDatabase) async throws {
        try await database.raw("DELETE FROM member_identities WHERE member_id = \(bind: id)").run()
        try await database.raw("DELETE FROM members WHERE id = \(bind: id)").run()
    }

    public func owner(of kind: IdentityKind, value: String, in database: any SQLDatabase) async throws -> String? {
        let index = protector.blindIndex(kind: kind.rawValue, value: value)
        return try await database.raw(
            "SELECT member_id FROM member_identities WHERE kind = \(bind: kind.rawValue) AND blind_index = \(bind: index)"
        ).first()?.decode(column: "member_id", as: String.self)
    }

    /// Writes the given profile fields onto a member.
    public func apply(
        _ profile: MemberProfile, to memberID: String, mode: UpdateMode, at now: Int64, in database: any SQLDatabase
    ) async throws {
        // The member's row is locked first, as an erasure locks it: the two never interleave.
        guard
            let row = try await database.raw(
                """
                SELECT name_ciphertext, birthday_ciphertext, attributes, erased_at FROM members
                WHERE id = \(bind: memberID) \(Self.forUpdate(database))
                """
            ).first()
        else { throw MemberError.notFound(memberID: memberID) }
        if try row.decodeNil(column: "erased_at") == false { throw MemberError.erased(memberID: memberID) }
        let hasName = try row.decodeNil(column: "name_ciphertext") == false
        let hasBirthday = try row.decodeNil(column: "birthday_ciphertext") == false
        var assignments: [SQLQueryString] = []
        let writesName = profile.name != nil && (mode.overwritesFields || !hasName)
        let writesBirthday = profile.birthday != nil && (mode.overwritesFields || !hasBirthday)
        // The member's key is read (or made) only when a field is sealed: an order naming a known email does not.
        let sealer =
            writesName || writesBirthday
            ? try await sealer(for: memberID, at: now, in: database) : nil
        if let name = profile.name, writesName {
            assignments.append("name_ciphertext = \(bind: try sealer?.seal(name))")
        }
        if let birthday = profile.birthday, writesBirthday {
            assignments.append("birthday_ciphertext = \(bind: try sealer?.seal(birthday.isoString))")
        }
        if let status = profile.status, mode.overwritesFields {
            assignments.append("status = \(bind: status.rawValue)")
        }
        if let attributes = profile.attributes, !attributes.isEmpty {
            let stored = try JSONCoding.decodeObject(try row.decode(column: "attributes", as: String.self))
            let merged =
                mode.overwritesFields
                ? stored.merging(attributes: attributes)
                : attributes.merging(attributes: stored).filter { $0.value != .null }
            assignments.append("attributes = \(bind: try JSONCoding.encode(.object(merged)))")
        }
        if let email = profile.email {
            try await setIdentity(
                .email, value: email.value, of: memberID, mode: mode, at: now, in: database)
        }
        if let phone = profile.phone {
            try await setIdentity(
                .phone, value: phone.e164, of: memberID, mode: mode, at: now, in: database)
        }
        assignments.append("updated_at = \(bind: now)")
        let setClause = SQLList(assignments, separator: SQLRaw(", "))
        try await database.raw("UPDATE members SET \(setClause) WHERE id = \(bind: memberID)").run()
    }

    private func setIdentity(
        _ kind: IdentityKind, value: String, of memberID: String, mode: UpdateMode, at now: Int64,
        in database: any SQLDatabase
    ) async throws {
        let index = protector.blindIndex(kind: kind.rawValue, value: value)
        if let owner = try await owner(of: kind, value: value, in: database) {
            if owner == memberID || !mode.refusesTakenIdentities { return }
            throw MemberError.identityTaken(kind: kind, ownerID: owner)
        }
        let ciphertext = try await sealer(for: memberID, at: now, in: database).seal(value)
        let inserted = try await database.raw(
            """
            INSERT INTO member_identities (member_id, kind, blind_index, value_ciphertext, created_at)
            VALUES (\(bind: memberID), \(bind: kind.rawValue), \(bind: index), \(bind: ciphertext), \(bind: now))
            ON CONFLICT DO NOTHING RETURNING member_id
            """
        ).first()
        if inserted != nil { return }
        // The member already has an identity of this kind (or another transaction just claimed the value).
        if let owner = try await owner(of: kind, value: value, in: database), owner != memberID {
            if mode.refusesTakenIdentities { throw MemberError.identityTaken(kind: kind, ownerID: owner) }
            return
        }
        if mode == .fillBlanks { return }
        try await database.raw(
            """
            UPDATE member_identities SET blind_index = \(bind: index), value_ciphertext = \(bind: ciphertext)
            WHERE member_id = \(bind: memberID) AND kind = \(bind: kind.rawValue)
            """
        ).run()
    }

    private func load(
        where condition: SQLQueryString, limit: Int = 1, in database: any SQLDatabase
    ) async throws
        -> [Member]
    {
        let rows = try await database.raw(
            """
            SELECT m.id, m.external_id, m.status, m.tier, m.name_ciphertext, m.birthday_ciphertext, m.attributes,
                   m.joined_at, m.created_at, m.updated_at
            FROM members m WHERE \(condition) ORDER BY m.id LIMIT \(unsafeRaw: String(limit))
            """
        ).all()
        guard !rows.isEmpty else { return [] }
        let ids = try rows.map { try $0.decode(column: "id", as: String.self) }
        let sealers = try await sealers(for: ids, in: database)
        let identityRows = try await database.raw(
            """
            SELECT member_id, kind, value_ciphertext FROM member_identities
            WHERE member_id IN (\(SQLList(ids.map { SQLBind($0) })))
            """
        ).all()
        var identities: [String: [String: String]] = [:]
        for row in identityRows {
            let memberID = try row.decode(column: "member_id", as: String.self)
            let kind = try row.decode(column: "kind", as: String.self)
            identities[memberID, default: [:]][kind] = try opener(for: memberID, in: sealers).open(
                try row.decode(column: "value_ciphertext", as: String.self))
        }
        return try rows.map { row in
            let id = try row.decode(column: "id", as: String.self)
            let opener = opener(for: id, in: sealers)
            return Member(
                id: id,
                externalID: try row.decode(column: "external_id", as: String?.self),
                status: MemberStatus(rawValue: try row.decode(column: "status", as: String.self)) ?? .active,
                tier: try row.decode(column: "tier", as: String?.self),
                name: try row.decode(column: "name_ciphertext", as: String?.self).map(opener.open),
                email: identities[id]?[IdentityKind.email.rawValue],
                phone: identities[id]?[IdentityKind.phone.rawValue],
                birthday: try row.decode(column: "birthday_ciphertext", as: String?.self)
                    .map(opener.open).flatMap(CalendarDate.init(iso:)),
                attributes: try JSONCoding.decodeObject(try row.decode(column: "attributes", as: String.self)),
                joinedAt: Timestamp(millisecondsSinceEpoch: try row.decode(column: "joined_at", as: Int64.self)),
                createdAt: Timestamp(millisecondsSinceEpoch: try row.decode(column: "created_at", as: Int64.self)),
                updatedAt: Timestamp(millisecondsSinceEpoch: try row.decode(column: "updated_at", as: Int64.self)))
        }
    }
}

/// JSON text for the columns that hold JSON.
enum JSONCoding {
    static func encode(_ value: JSONValue) throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return String(decoding: try encoder.encode(value), as: UTF8.self)
    }

    static func decodeObject(_ text: String) throws -> [String: JSONValue] {
        guard case .object(let object) = try JSONDecoder().decode(JSONValue.self, from: Data(text.utf8)) else {
            return [:]
        }
        return object
    }
}
