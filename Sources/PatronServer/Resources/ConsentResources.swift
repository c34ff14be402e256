import PatronCore
import PatronStore

/// A statement as the API shows it; from the history, with who recorded it and when.
struct ConsentResource: Encodable {
    let record: ConsentRecord
    var entry: ConsentEntry?

    private enum CodingKeys: String, CodingKey {
        case purpose, channel, state, source, evidence
        case policyVersion = "policy_version"
        case givenAt = "given_at"
        case recordID = "record_id"
        case recordedBy = "recorded_by"
        case recordedAt = "recorded_at"
    }

    func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(record.purpose.rawValue, forKey: .purpose)
        try container.encode(record.channel?.rawValue, forKey: .channel)
        try container.encode(record.state.rawValue, forKey: .state)
        try container.encode(record.source.rawValue, forKey: .source)
        try container.encode(record.policyVersion, forKey: .policyVersion)
        try container.encode(record.evidence, forKey: .evidence)
        try container.encode(record.givenAt, forKey: .givenAt)
        if let entry {
            try container.encode(entry.id, forKey: .recordID)
            try container.encode(entry.recordedBy, forKey: .recordedBy)
            try container.encode(entry.recordedAt, forKey: .recordedAt)
        }
    }
}

struct ConsentsResource: Encodable {
    let memberID: String
    let current: Consents
    let history: [ConsentEntry]

    private enum CodingKeys: String, CodingKey {
        case consents, history
        case memberID = "member_id"
    }

    func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(memberID, forKey: .memberID)
        try container.encode(current.current.map { ConsentResource(record: $0) }, forKey: .consents)
        try container.encode(history.map { ConsentResource(record: $0.record, entry: $0) }, forKey: .history)
    }
}

struct PrivacyPolicyResource: Encodable {
    let policy: PrivacyPolicy

    private enum CodingKeys: String, CodingKey {
        case version, text
        case effectiveFrom = "effective_from"
    }

    func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(policy.version, forKey: .version)
        try container.encode(policy.effectiveFrom, forKey: .effectiveFrom)
        try container.encode(["zh": policy.textZH, "en": policy.textEN], forKey: .text)
    }
}

struct ConsentReportResource: Encodable {
    let report: ConsentReport

    private struct Line: Encodable {
        let purpose: String
        let channel: String?
        let granted: Int
        let withdrawn: Int
        let grantedShare: Double

        private enum CodingKeys: String, CodingKey {
            case purpose, channel, granted, withdrawn
            case grantedShare = "granted_share"
        }

        func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(purpose, forKey: .purpose)
            try container.encode(channel, forKey: .channel)
            try container.encode(granted, forKey: .granted)
            try container.encode(withdrawn, forKey: .withdrawn)
            try container.encode(grantedShare, forKey: .grantedShare)
        }
    }

    private enum CodingKeys: String, CodingKey { case members, lines }

    func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(report.members, forKey: .members)
        let members = report.members
        try container.encode(
            report.lines.map {
                Line(
                    purpose: $0.purpose.rawValue, channel: $0.channel?.rawValue, granted: $0.granted,
                    withdrawn: $0.withdrawn, grantedShare: members == 0 ? 0 : Double($0.granted) / Double(members))
            }, forKey: .lines)
    }
}
