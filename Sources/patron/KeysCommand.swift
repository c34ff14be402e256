import ArgumentParser
import PatronCore
import PatronStore

struct KeysCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "keys", abstract: "Manage API keys, and rotate the data key.",
        subcommands: [Create.self, List.self, Revoke.self, RotateDataKey.self])

    struct RotateDataKey: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "rotate-data-key",
            abstract:
                "Re-wrap every key in the database under PATRON_DATA_KEY (the new master key), opening them with "
                + "PATRON_PREVIOUS_DATA_KEYS (the old); resumable, and safe while servers run with both.")
        @Option(help: "Member keys re-wrapped per transaction.") var batchSize = 1_000
        @OptionGroup var database: DatabaseOptions

        func validate() throws {
            guard (1...100_000).contains(batchSize) else { throw CommandFailure("--batch-size must be 1 to 100000") }
        }

        func run() async throws {
            let batchSize = batchSize
            let done = try await database.withStore { store in
                let done = try await store.rotateDataKey(batchSize: batchSize)
                try await auditFromConsole(store, action: "rotateDataKey", objectIDs: [])
                return done
            }
            print(
                "Re-wrapped \(done.sharedKeys) shared and \(done.memberKeys) member keys under the new data key; "
                    + "the previous keys are no longer needed.")
        }
    }

    struct Create: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Create an API key; the key is printed once, as the last line.")

        @Option(help: "A name that says who uses the key.") var name: String
        @Option(help: "Comma-separated scopes: \(Scope.allCases.map(\.rawValue).joined(separator: ", ")).")
        var scopes: String
        @Option(help: "Comma-separated stores a till key may act for (default: every store).") var stores: String?
        @OptionGroup var database: DatabaseOptions

        func run() async throws {
            let granted: Set<Scope>
            switch Scope.parseList(scopes) {
            case .success(let parsed): granted = parsed
            case .failure(let error): throw CommandFailure(error.description)
            }
            let name = name
            let stores = stores.map { Set(StoredList.values($0)) }
            let (key, secret) = try await database.withStore {
                let (key, secret) = try await $0.createAPIKey(name: name, scopes: granted, stores: stores)
                try await auditFromConsole($0, action: "createAPIKey", objectIDs: [key.id])
                return (key, secret)
            }
            let scopeList = key.scopes.map(\.rawValue).sorted().joined(separator: ",")
            let storeList = key.stores.map { " for store(s) " + $0.sorted().joined(separator: ",") } ?? ""
            print("Created key \(key.id) '\(key.name)' with scopes \(scopeList)\(storeList).")
            print("Keep it now; it is not shown again:")
            print(secret)
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List API keys (never their secrets).")
        @OptionGroup var database: DatabaseOptions

        func run() async throws {
            let keys = try await database.withStore { try await $0.apiKeys() }
            print("id\tname\tscopes\tstores\tcreated_at\trevoked_at")
            for key in keys {
                let scopes = key.scopes.map(\.rawValue).sorted().joined(separator: ",")
                let stores = key.stores?.sorted().joined(separator: ",") ?? "*"
                print(
                    "\(key.id)\t\(key.name)\t\(scopes)\t\(stores)\t\(key.createdAt.rfc3339)\t"
                        + "\(key.revokedAt?.rfc3339 ?? "-")")
            }
        }
    }

    struct Revoke: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Revoke an API key by id.")
        @Argument(help: "The key id (key_…), as `patron keys list` shows it.") var id: String
        @OptionGroup var database: DatabaseOptions

        func run() async throws {
            let id = id
            let revoked = try await database.withStore {
                guard try await $0.revokeAPIKey(id: id) else { return false }
                try await auditFromConsole($0, action: "revokeAPIKey", objectIDs: [id])
                return true
            }
            guard revoked else {
                throw CommandFailure("no active API key with id '\(id)'")
            }
            print("Revoked \(id).")
        }
    }
}
