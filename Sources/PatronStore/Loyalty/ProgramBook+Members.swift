import PatronCore
import SQLKit

extension ProgramBook {
    /// `member` with the tier they hold under the program in force, which is the lowest until their
    /// first tier change: a member always shows a tier id.
    func showingTier(of member: Member, in database: any SQLDatabase) async throws -> Member {
        var shown = member
        shown.tier = try await current(in: database).program.tiers.heldTierID(stored: member.tier)
        return shown
    }

    func showingTier(ofFound member: Member?, in database: any SQLDatabase) async throws -> Member? {
        guard let member else { return nil }
        return try await showingTier(of: member, in: database)
    }
}
