import Synchronization

/// Ids a handler adds to its request's audit entry (the member it created, the members a list showed). A reference
/// shared by every copy of the request's context, since the audit middleware reads it after the handler returns.
public final class AuditNotes: Sendable {
    private let objectIDs = Mutex<[String]>([])

    public init() {}

    public func add(_ ids: some Sequence<String>) {
        objectIDs.withLock { $0.append(contentsOf: ids) }
    }

    public var all: [String] { objectIDs.withLock { $0 } }
}
