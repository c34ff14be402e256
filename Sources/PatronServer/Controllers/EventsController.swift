import Hummingbird
import PatronCore
import PatronStore

/// `/v1/events`: Segment-style `track` and `identify` events, one at a time or in batches.
struct EventsController {
    let store: Store
    let metrics: ServerMetrics

    func addRoutes(to group: RouterGroup<PatronRequestContext>) {
        group.post("events", use: create)
        group.post("events/batch", use: batch)
    }

    @Sendable func create(_ request: Request, context: PatronRequestContext) async throws -> Response {
        try context.require(.eventsWrite)
        let (body, _) = try await JSONBody.read(request, context: context, limit: EventSubmission.maximumBytes)
        let event = try EventSubmission.parse(body, receivedAt: store.clock.now)
        let recording = try await store.recordEvents([event])[0]
        // Refused as `POST /v1/members` refuses the same email or phone: 409, nothing written.
        if let refusal = recording.refusals.first { throw refusal }
        count([recording])
        return try JSONBody.response(EventResult(recording), status: recording.isDuplicate ? .ok : .accepted)
    }

    /// One invalid event rejects the whole batch with its index (422). Otherwise each event has a result:
    /// accepted, duplicate, or refused (its email or phone belongs to another member; the others apply).
    @Sendable func batch(_ request: Request, context: PatronRequestContext) async throws -> Response {
        try context.require(.eventsWrite)
        let (body, _) = try await JSONBody.read(request, context: context, limit: EventSubmission.maximumBatchBytes)
        var reader = FieldReader(body)
        let items = reader.array("batch", required: true) ?? []
        if items.isEmpty, reader.errors.isEmpty { reader.fail("batch", "must hold at least one event") }
        if items.count > EventSubmission.maximumBatchCount {
            reader.fail("batch", "must hold at most \(EventSubmission.maximumBatchCount) events")
        }
        try reader.finish()
        var events: [EventSubmission] = []
        var errors: [FieldError] = []
        let now = store.clock.now
        for (index, item) in items.enumerated() {
            let pointer = "/batch/\(index)"
            if try JSONBody.canonical(item).count > EventSubmission.maximumBytes {
                errors.append(
                    FieldError(pointer: pointer, detail: "is larger than \(EventSubmission.maximumBytes) bytes"))
                continue
            }
            do {
                events.append(try EventSubmission.parse(item, pointer: pointer, receivedAt: now))
            } catch {
                errors.append(contentsOf: error.errors)
            }
        }
        if !errors.isEmpty { throw ValidationFailure(errors) }
        let recordings = try await store.recordEvents(events)
        count(recordings)
        return try JSONBody.response(
            BatchResult(
                accepted: recordings.count { !$0.isDuplicate && !$0.isRefused },
                duplicates: recordings.count { $0.isDuplicate }, refused: recordings.count { $0.isRefused },
                results: recordings.enumerated().map { EventResult($1, pointer: "/batch/\($0)") }))
    }

    private func count(_ recordings: [EventRecording]) {
        for recording in recordings where !recording.isRefused {
            metrics.recordEvent(isDuplicate: recording.isDuplicate)
        }
    }
}

private struct EventResult: Encodable {
    let messageID: String
    let status: String
    let memberID: String?
    /// Why a refused event was refused, per field, as in a 422 problem.
    let errors: [FieldError]?

    init(_ recording: EventRecording, pointer: String = "") {
        messageID = recording.messageID
        status = recording.isRefused ? "refused" : recording.isDuplicate ? "duplicate" : "accepted"
        memberID = recording.memberID
        let errors = recording.refusals.compactMap { refusal -> FieldError? in
            switch refusal {
            case .identityTaken(let kind, let ownerID):
                FieldError(
                    pointer: "\(pointer)/traits/\(kind.rawValue)",
                    detail: "this \(kind.rawValue) already belongs to member \(ownerID)")
            case .erased(let memberID):
                FieldError(
                    pointer: "\(pointer)/user_id",
                    detail: "member \(memberID) was erased at their request; nothing new is recorded about them")
            case .notFound: nil
            }
        }
        self.errors = errors.isEmpty ? nil : errors
    }

    private enum CodingKeys: String, CodingKey {
        case messageID = "message_id"
        case status
        case memberID = "member_id"
        case errors
    }
}

private struct BatchResult: Encodable {
    let accepted: Int
    let duplicates: Int
    let refused: Int
    let results: [EventResult]
}
