import ArgumentParser
import Foundation
import PatronCore
import PatronStore

struct AuditCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "audit", abstract: "Check the audit log's hash chain.", subcommands: [Verify.self])

    struct Verify: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Walk the audit chain from the first entry; exit 1 at the first entry that does not follow.")
        @OptionGroup var database: DatabaseOptions

        func run() async throws {
            let verification = try await database.withStore { try await $0.verifyAuditChain() }
            if let broken = verification.firstBreak {
                throw CommandFailure(
                    "the audit chain breaks at entry \(broken.sequence): \(broken.reason) "
                        + "(\(verification.checked) entries before it are intact)")
            }
            print("\(verification.checked) entries, chain intact. Head hash (keep it to check later):")
            print(verification.headHash)
        }
    }
}

/// Records what the operator at the console did, as the API records what a key or person did.
func auditFromConsole(_ store: Store, action: String, objectIDs: [String]) async throws {
    try await store.audit(
        AuditEvent(
            actorKind: .console, actorID: ProcessInfo.processInfo.userName, action: action, objectIDs: objectIDs))
}
