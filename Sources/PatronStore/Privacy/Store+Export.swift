import PatronCore
import SQLKit

/// Everything Patron holds about one member, readable: each member table's rows with sealed values opened.
public struct MemberExport: Sendable {
    public struct Table: Sendable {
        public var name: String
        /// The columns in the table's order, without the keyed digests.
        public var columns: [String]
        public var rows: [[String: JSONValue]]
    }

    public var memberID: String
    public var exportedAt: Timestamp
    public var tables: [Table]

    /// The whole export as one JSON document.
    public var document: JSONValue {
        .object([
            "format": "patron-member-export/1",
            "member_id": .string(memberID),
            "exported_at": .string(exportedAt.rfc3339),
            "tables": .object(
                Dictionary(
                    uniqueKeysWithValues: tables.map { ($0.name, JSONValue.array($0.rows.map(JSONValue.object))) })),
        ])
    }
}

extension Store {
    /// A member's export (PIPL Art. 45, GDPR Art. 15 and 20), read in one consistent snapshot and recorded as a
    /// completed privacy request. An erased member's export holds only the pseudonymous books.
    public func exportMember(
        _ memberID: String, handledBy actor: String, at now: Timestamp
    ) async throws -> (
        export: MemberExport, request: PrivacyRequest
    ) {
        let members = self.members
        let tables = try await database.read { database in
            guard try await database.raw("SELECT id FROM members WHERE id = \(bind: memberID)").first() != nil else {
                throw MemberError.notFound(memberID: memberID)
            }
            let opener = members.opener(for: memberID, in: try await members.sealers(for: [memberID], in: database))
            var tables: [MemberExport.Table] = []
            for (table, link) in PersonalDataMap.memberTables {
                tables.append(try await Self.exportTable(table, link: link, of: memberID, opener: opener, in: database))
            }
            return tables
        }
        let export = MemberExport(memberID: memberID, exportedAt: now, tables: tables)
        let request = PrivacyRequest(
            id: Identifier.make(prefix: "prq", milliseconds: now.millisecondsSinceEpoch), kind: .export,
            memberID: memberID, state: .completed, receivedAt: now, dueAt: PrivacyRequest.due(receivedAt: now),
            completedAt: now, handledBy: actor,
            outcome: Dictionary(uniqueKeysWithValues: tables.map { ($0.name, Int64($0.rows.count)) }))
        try await database.write { try await Self.insert(request, in: $0) }
        return (export, request)
    }

    private static func exportTable(
        _ table: String, link: PersonalDataMap.Link, of memberID: String, opener: PersonalSealer,
        in database: any SQLDatabase
    ) async throws -> MemberExport.Table {
        let query: SQLQueryString
        switch link {
        case .member(let columns):
            let matches = SQLList(
                columns.map { SQLQueryString("\(ident: $0) = \(bind: memberID)") }, separator: SQLRaw(" OR "))
            query = "SELECT * FROM \(ident: table) WHERE \(matches)"
        case .through(let parent, let column):
            let owner = PersonalDataMap.memberTables.first { $0.table == parent }
            guard case .member(let columns)? = owner?.link, let memberColumn = columns.first else {
                preconditionFailure("\(table) must be linked through a table linked to members")
            }
            query = """
                SELECT c.* FROM \(ident: table) c JOIN \(ident: parent) p ON p.\(ident: column) = c.\(ident: column)
                WHERE p.\(ident: memberColumn) = \(bind: memberID)
                """
        }
        let rows = try await database.raw(query).all()
        let sealedObjects = PersonalDataMap.sealedObjectColumns[table] ?? []
        var columns: [String] = []
        var values: [[String: JSONValue]] = []
        for row in rows {
            var value: [String: JSONValue] = [:]
            for column in row.allColumns where !PersonalDataMap.digestColumns.contains(column) {
                if try row.decodeNil(column: column) {
                    value[Self.exportName(column)] = .null
                } else if column.hasSuffix("_ciphertext") {
                    value[Self.exportName(column)] = .string(
                        try opener.open(try row.decode(column: column, as: String.self)))
                } else if sealedObjects.contains(column) {
                    value[column] = .object(
                        try EventPayload.open(try row.decode(column: column, as: String.self), with: opener))
                } else if let number = try? row.decode(column: column, as: Int64.self) {
                    // Instants are kept as milliseconds; a person reads them as dates.
                    value[column] =
                        column.hasSuffix("_at")
                        ? .string(Timestamp(millisecondsSinceEpoch: number).rfc3339) : .number(Double(number))
                } else {
                    let text = try row.decode(column: column, as: String.self)
                    // JSON columns (attributes, outcomes) are given as JSON, not as text holding JSON.
                    let object = text.hasPrefix("{") ? try? JSONCoding.decodeObject(text) : nil
                    value[column] = object.map(JSONValue.object) ?? .string(text)
                }
            }
            if columns.isEmpty {
                columns = row.allColumns.filter { !PersonalDataMap.digestColumns.contains($0) }.map(Self.exportName)
            }
            values.append(value)
        }
        return MemberExport.Table(name: table, columns: columns, rows: values)
    }

    /// `name_ciphertext` is exported as `name`: the value, opened.
    private static func exportName(_ column: String) -> String {
        column.hasSuffix("_ciphertext") ? String(column.dropLast("_ciphertext".count)) : column
    }
}
