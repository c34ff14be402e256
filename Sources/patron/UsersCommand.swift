import ArgumentParser
import PatronCore
import PatronStore

/// Staff accounts from the server's console, where the first owner is made. The console acts with every right.
struct UsersCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "users", abstract: "Manage staff accounts.",
        subcommands: [Create.self, List.self, Disable.self, ResetMFA.self, Unlock.self])

    /// Where set-up links point.
    struct LinkOptions: ParsableArguments {
        @Option(
            help:
                "The server's public address for set-up links (default: $PATRON_PUBLIC_URL, else http://127.0.0.1:8080)."
        )
        var publicURL: String?

        func link(_ invitation: StaffInvitation) -> String {
            var base = publicURL ?? Environment.value("PATRON_PUBLIC_URL") ?? "http://127.0.0.1:8080"
            if base.hasSuffix("/") { base.removeLast() }
            return base + "/setup/" + invitation.setupToken
        }
    }

    struct Create: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Invite a member of staff; prints a one-time set-up link, valid 72 hours.")

        @Option(help: "Their email address, which they sign in with.") var email: String
        @Option(help: "owner, admin, marketer, agent, analyst, store, auditor, or a custom role.") var role: String
        @Option(help: "Comma-separated stores the account may act for (default: every store).") var stores: String?
        @OptionGroup var links: LinkOptions
        @OptionGroup var database: DatabaseOptions

        func run() async throws {
            let (email, role) = (email, role)
            let stores = stores.map { Set(StoredList.values($0)) }
            let invitation = try await staffCommand(database) {
                let invitation = try await $0.inviteStaff(email: email, roleName: role, stores: stores, actingRole: nil)
                try await auditFromConsole($0, action: "inviteUser", objectIDs: [invitation.user.id])
                return invitation
            }
            print("Invited \(invitation.user.email) as \(invitation.user.role.name) (\(invitation.user.id)).")
            print("Send them this set-up link, valid until \(invitation.expiresAt.rfc3339); it works once:")
            print(links.link(invitation))
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List staff accounts.")
        @OptionGroup var database: DatabaseOptions

        func run() async throws {
            let users = try await staffCommand(database) { try await $0.staffUsers() }
            print("id\temail\trole\tstores\tstatus\tsecond_factor\tlocked")
            for user in users {
                let stores = user.stores?.sorted().joined(separator: ",") ?? "*"
                print(
                    "\(user.id)\t\(user.email)\t\(user.role.name)\t\(stores)\t\(user.status.rawValue)\t"
                        + "\(user.hasSecondFactor ? "yes" : "no")\t\(user.isLockedOut ? "yes" : "no")")
            }
        }
    }

    struct Disable: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Disable an account and end its sessions.")
        @Argument(help: "The account id (usr_…), as `patron users list` shows it.") var id: String
        @OptionGroup var database: DatabaseOptions

        func run() async throws {
            let id = id
            let user = try await staffCommand(database) {
                let user = try await $0.disableStaff(id: id, actingRole: nil)
                try await auditFromConsole($0, action: "disableUser", objectIDs: [id])
                return user
            }
            print("Disabled \(user.email) (\(user.id)).")
        }
    }

    struct ResetMFA: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "reset-mfa",
            abstract: "Forget an account's authenticator and recovery codes; prints a new set-up link.")
        @Argument(help: "The account id (usr_…).") var id: String
        @OptionGroup var links: LinkOptions
        @OptionGroup var database: DatabaseOptions

        func run() async throws {
            let id = id
            let invitation = try await staffCommand(database) {
                let invitation = try await $0.resetStaffSecondFactor(id: id, actingRole: nil)
                try await auditFromConsole($0, action: "resetSecondFactor", objectIDs: [id])
                return invitation
            }
            print("Reset \(invitation.user.email); their sessions have ended. New set-up link, valid 72 hours:")
            print(links.link(invitation))
        }
    }

    struct Unlock: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Lift a lock-out after failed sign-ins.")
        @Argument(help: "The account id (usr_…).") var id: String
        @OptionGroup var database: DatabaseOptions

        func run() async throws {
            let id = id
            let user = try await staffCommand(database) {
                let user = try await $0.unlockStaff(id: id, actingRole: nil)
                try await auditFromConsole($0, action: "unlockUser", objectIDs: [id])
                return user
            }
            print("Unlocked \(user.email) (\(user.id)).")
        }
    }
}

/// Runs a staff-account change, turning a refusal into the command's one-line failure.
func staffCommand<Result: Sendable>(
    _ database: DatabaseOptions, _ body: @escaping @Sendable (Store) async throws -> Result
) async throws -> Result {
    do {
        return try await database.withStore(body)
    } catch let error as StaffError {
        throw CommandFailure(error.description)
    }
}
