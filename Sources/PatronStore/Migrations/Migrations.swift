import SQLKit

/// The ordered list of every migration, and the code that applies the ones a database lacks.
public enum Migrations {
    public static let all: [Migration] = [
        .createMembers,  // members and their encrypted, blind-indexed identities
        .createOrders,  // orders and their lines; the order id is the replay key
        .createEvents,  // track/identify events, deduplicated by message id
        .createAPIKeys,  // hashed API keys with scopes
        .createLoyalty,  // points ledger, awards, refunds, tiers, program versions, idempotent requests
        .createAnalytics,  // fitted BG/NBD + Gamma-Gamma parameters, so predictions need no refit per request
        .createRewards,  // rewards catalog, redemptions and coupons, referrals, campaign grants
        .recordModelFitConvergence,  // how each model fit ended, so only converged fits are used
        .createStaffAccess,  // staff accounts, roles, sessions, failed sign-ins; API keys held to stores
        .createAuditLog,  // who changed what or read whose personal data, hash-chained
        .createRateLimitWindows,  // request counts per subject and window, shared by the nodes
        .createAnalyticsSnapshots,  // the analytics page's figures, computed once a day and fit
        .indexActivityByTime,  // a period's orders and point entries, members by joining and by tier
        .createActivityRollups,  // each closed day's orders, revenue, points and gaps between orders
        .recordSurpriseCampaigns,  // each surprise campaign run: what, by whom, when, how many given
        .indexRefunds,  // refunds by order and by member
        .createMemberKeys,  // per-member data keys, erasure tombstones, privacy requests
        .createConsents,  // consent statements and the current state per purpose and channel; policy versions
        .createProtectionKeys,  // the shared sealing and blind-index keys, wrapped by the master key
        .createRetention,  // events by time, monthly product totals of summed order lines, retention progress
        .createFeedback,  // feedback from every channel, its words sealed, its severity and urgent topics
        .createTickets,  // service tickets, their sealed messages, deadlines as timed rows, and their history
        .createSurveyInvitations,  // who was asked which survey question, until when, and what they answered
        .createSentimentModels,  // feedback texts' sentiment and topics; sentiment models, which one is in force
        .createWebhooks,  // the outbox of domain events; webhook endpoints, their deliveries and attempts
        .createSegments,  // saved segments of members, every version kept
        .createMessages,  // message templates, messages to members and their attempts
        .createCampaigns,  // campaigns and each member's arm in one
    ]

    /// Applies every pending migration in one transaction, recording each in `schema_migrations`.
    /// Returns the versions applied. Safe to run from several processes at once.
    @discardableResult
    public static func migrate(_ database: any Database) async throws -> [Int] {
        let engine = database.engine
        return try await database.write { connection in
            if engine == .postgres {
                // Serialises concurrent migrators; released at commit.
                try await connection.raw("SELECT pg_advisory_xact_lock(7274766)").run()
            }
            try await connection.raw(
                """
                CREATE TABLE IF NOT EXISTS schema_migrations (
                    version BIGINT PRIMARY KEY,
                    name TEXT NOT NULL,
                    applied_at BIGINT NOT NULL)
                """
            ).run()
            let applied = Set(
                try await connection.raw("SELECT version FROM schema_migrations").all().map {
                    try $0.decode(column: "version", as: Int64.self)
                })
            var newlyApplied: [Int] = []
            for migration in all where !applied.contains(Int64(migration.version)) {
                for statement in migration.statements(engine) {
                    try await connection.raw(SQLQueryString(statement)).run()
                }
                try await connection.raw(
                    """
                    INSERT INTO schema_migrations (version, name, applied_at)
                    VALUES (\(bind: Int64(migration.version)), \(bind: migration.name), \(bind: WallClock.system.milliseconds))
                    """
                ).run()
                newlyApplied.append(migration.version)
            }
            return newlyApplied
        }
    }
}

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif
