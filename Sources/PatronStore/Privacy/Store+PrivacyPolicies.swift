import PatronCore
import SQLKit

/// How many members can be reached, or profiled, under each purpose and channel.
public struct ConsentReport: Sendable, Hashable {
    public struct Line: Sendable, Hashable {
        public var purpose: ConsentPurpose
        public var channel: ConsentChannel?
        public var granted: Int
        public var withdrawn: Int
    }

    /// Members not erased: the base the shares are of.
    public var members: Int
    public var lines: [Line]
}

extension Store {
    /// Registers a policy version. Versions never change: the same content again answers `created` false; other
    /// content under a registered version is refused.
    public func putPrivacyPolicy(_ policy: PrivacyPolicy, by actor: String?, at now: Timestamp) async throws -> Bool {
        try await database.write { database in
            let inserted = try await database.raw(
                """
                INSERT INTO privacy_policies (version, effective_from, text_zh, text_en, created_by, created_at)
                VALUES (\(bind: policy.version), \(bind: policy.effectiveFrom.millisecondsSinceEpoch),
                        \(bind: policy.textZH), \(bind: policy.textEN), \(bind: actor), \(bind: now.millisecondsSinceEpoch))
                ON CONFLICT (version) DO NOTHING RETURNING version
                """
            ).first()
            if inserted != nil { return true }
            let stored = try await Self.privacyPolicies(where: "version = \(bind: policy.version)", in: database)
            guard stored.first == policy else { throw ConsentError.policyVersionTaken(version: policy.version) }
            return false
        }
    }

    /// Every registered version, newest in effect first.
    public func privacyPolicies() async throws -> [PrivacyPolicy] {
        try await database.read { try await Self.privacyPolicies(where: "1 = 1", in: $0) }
    }

    public func consentReport() async throws -> ConsentReport {
        try await database.read { database in
            let members =
                try await database.raw("SELECT COUNT(*) AS n FROM members WHERE erased_at IS NULL").first()?
                .decode(column: "n", as: Int.self) ?? 0
            let rows = try await database.raw(
                """
                SELECT purpose, channel, state, COUNT(*) AS n FROM member_consents GROUP BY purpose, channel, state
                """
            ).all()
            var counts: [String: (granted: Int, withdrawn: Int)] = [:]
            for row in rows {
                let key =
                    try row.decode(column: "purpose", as: String.self) + "/"
                    + row.decode(column: "channel", as: String.self)
                let count = try row.decode(column: "n", as: Int.self)
                if try row.decode(column: "state", as: String.self) == ConsentState.granted.rawValue {
                    counts[key, default: (0, 0)].granted += count
                } else {
                    counts[key, default: (0, 0)].withdrawn += count
                }
            }
            var lines: [ConsentReport.Line] = []
            for purpose in ConsentPurpose.allCases {
                for channel in purpose.hasChannels ? ConsentChannel.allCases.map(Optional.some) : [nil] {
                    let count = counts["\(purpose.rawValue)/\(channel?.rawValue ?? "")"] ?? (0, 0)
                    lines.append(
                        ConsentReport.Line(
                            purpose: purpose, channel: channel, granted: count.granted, withdrawn: count.withdrawn))
                }
            }
            return ConsentReport(members: members, lines: lines)
        }
    }

    private static func privacyPolicies(
        where condition: SQLQueryString, in database: any SQLDatabase
    ) async throws
        -> [PrivacyPolicy]
    {
        try await database.raw(
            "SELECT * FROM privacy_policies WHERE \(condition) ORDER BY effective_from DESC, version DESC"
        ).all().map { row in
            PrivacyPolicy(
                version: try row.decode(column: "version", as: String.self),
                effectiveFrom: Timestamp(
                    millisecondsSinceEpoch: try row.decode(column: "effective_from", as: Int64.self)),
                textZH: try row.decode(column: "text_zh", as: String.self),
                textEN: try row.decode(column: "text_en", as: String.self))
        }
    }
}
