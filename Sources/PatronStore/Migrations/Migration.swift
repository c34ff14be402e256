import SQLKit

/// One numbered, append-only step of the schema. Once released, a migration is never edited:
/// a change to the schema is a new migration at the end of ``Migrations/all``.
public struct Migration: Sendable {
    public let version: Int
    public let name: String
    /// The statements, per engine where their SQL differs.
    public let statements: @Sendable (DatabaseEngine) -> [String]

    public init(version: Int, name: String, statements: @escaping @Sendable (DatabaseEngine) -> [String]) {
        self.version = version
        self.name = name
        self.statements = statements
    }

    public init(version: Int, name: String, statements: [String]) {
        self.init(version: version, name: name, statements: { _ in statements })
    }
}
