import Foundation
import PatronCore
import PatronStore

/// One audit entry as the API shows it, with the hashes that chain it.
struct AuditRecordResource: Encodable {
    let record: AuditRecord

    private enum CodingKeys: String, CodingKey {
        case sequence, at, action, address, hash
        case actorKind = "actor_kind"
        case actorID = "actor_id"
        case objectIDs = "object_ids"
        case userAgent = "user_agent"
        case requestID = "request_id"
        case previousHash = "previous_hash"
    }

    func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        let entry = record.entry
        try container.encode(entry.sequence, forKey: .sequence)
        try container.encode(entry.at, forKey: .at)
        try container.encode(entry.event.actorKind.rawValue, forKey: .actorKind)
        try container.encode(entry.event.actorID, forKey: .actorID)
        try container.encode(entry.event.action, forKey: .action)
        try container.encode(entry.event.objectIDs, forKey: .objectIDs)
        try container.encode(entry.event.address, forKey: .address)
        try container.encode(entry.event.userAgent, forKey: .userAgent)
        try container.encode(entry.event.requestID, forKey: .requestID)
        try container.encode(record.previousHash, forKey: .previousHash)
        try container.encode(record.hash, forKey: .hash)
    }
}

/// The CSV export: RFC 4180, one line per entry, object ids separated by spaces within their field.
enum AuditCSV {
    static let header =
        "sequence,at,actor_kind,actor_id,action,object_ids,address,user_agent,request_id,previous_hash,hash\r\n"

    static func line(_ record: AuditRecord) -> String {
        let entry = record.entry
        let fields = [
            String(entry.sequence), entry.at.rfc3339, entry.event.actorKind.rawValue, entry.event.actorID ?? "",
            entry.event.action, entry.event.objectIDs.joined(separator: " "), entry.event.address ?? "",
            entry.event.userAgent ?? "", entry.event.requestID ?? "", record.previousHash, record.hash,
        ]
        return CSV.line(fields)
    }
}
