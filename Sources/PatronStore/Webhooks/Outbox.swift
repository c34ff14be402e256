import PatronCore
import SQLKit

/// Writes domain events into the outbox inside the transaction of the change they report, so an event exists
/// exactly when its change was committed: never one for a change rolled back, never a change without one. The
/// webhook dispatcher routes them to endpoints afterwards. The body is the Standard Webhooks payload
/// (`type`, `timestamp`, `data`), fixed here so every attempt of every delivery sends the same bytes.
enum Outbox {
    struct Event: Sendable {
        var type: WebhookEventType
        var memberID: String?
        var data: [String: JSONValue]
    }

    static func emit(
        _ type: WebhookEventType, memberID: String?, data: [String: JSONValue], at now: Int64,
        in database: any SQLDatabase
    ) async throws {
        try await emit([Event(type: type, memberID: memberID, data: data)], at: now, in: database)
    }

    /// Many events in one statement.
    static func emit(_ events: [Event], at now: Int64, in database: any SQLDatabase) async throws {
        guard !events.isEmpty else { return }
        let timestamp = JSONValue.string(Timestamp(millisecondsSinceEpoch: now).rfc3339)
        var insert = database.insert(into: "outbox_events").columns(
            "event_id", "type", "member_id", "body", "occurred_at")
        for event in events {
            var data = event.data
            if let memberID = event.memberID { data["member_id"] = .string(memberID) }
            let body: JSONValue = ["type": .string(event.type.rawValue), "timestamp": timestamp, "data": .object(data)]
            insert = insert.values(
                SQLBind(Identifier.make(prefix: "msg", milliseconds: now)), SQLBind(event.type.rawValue),
                SQLBind(event.memberID), SQLBind(String(decoding: body.sortedText, as: UTF8.self)), SQLBind(now))
        }
        try await insert.run()
    }
}

extension JSONValue {
    /// A whole number, exactly: amounts and points stay below 2^53 wherever Patron accepts them.
    init(_ value: Int64) { self = .number(Double(value)) }

    /// A string, or null.
    init(_ value: String?) { self = value.map(JSONValue.string) ?? .null }

    /// A time, written as RFC 3339.
    init(milliseconds: Int64) { self = .string(Timestamp(millisecondsSinceEpoch: milliseconds).rfc3339) }
}
