import PatronCore
import SQLKit

/// One statement of a consent import: whose (the shop's external id) and what.
public struct ImportedConsent: Sendable {
    public var line: Int
    public var externalID: String
    public var record: ConsentRecord

    public init(line: Int, externalID: String, record: ConsentRecord) {
        self.line = line
        self.externalID = externalID
        self.record = record
    }
}

extension Store {
    /// Records imported statements in one transaction, as `recordConsents` would one by one: unknown members are
    /// created, a statement repeating the one in force is a duplicate (so importing a file again records nothing),
    /// and an erased member's or an unregistered policy version's row is refused alone.
    public func importConsents(_ rows: [ImportedConsent], actor: String) async throws -> [ImportOutcome] {
        let members = self.members
        return try await database.write { database in
            let now = clock.now
            var outcomes: [ImportOutcome] = []
            for row in rows {
                // Checked before the member is made, so a refused row leaves nothing behind.
                if let version = row.record.policyVersion,
                    try await database.raw("SELECT version FROM privacy_policies WHERE version = \(bind: version)")
                        .first() == nil
                {
                    outcomes.append(.refused("no privacy policy has version '\(version)'"))
                    continue
                }
                do {
                    let memberID = try await members.ensure(
                        externalID: row.externalID, at: now.millisecondsSinceEpoch, in: database
                    ).id
                    try await Self.lockLiveMember(memberID, in: database)
                    let recorded = try await Self.writeConsents(
                        [row.record], of: memberID, recordedBy: actor, at: now, members: members, in: database
                    ).recorded
                    outcomes.append(recorded > 0 ? .applied : .duplicate)
                } catch MemberError.erased(let memberID) {
                    outcomes.append(.refused("member \(memberID) was erased"))
                }
            }
            return outcomes
        }
    }
}
