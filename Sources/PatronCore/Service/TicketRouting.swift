/// Which queue a new ticket goes to: the first route whose stores and urgent topics both match (an empty list
/// matches anything), else `service`. A missed target later moves it to `supervisors`.
public struct TicketRoute: Sendable, Hashable, Encodable {
    public var queue: String
    public var stores: [String]
    public var topics: [String]

    public init(queue: String, stores: [String] = [], topics: [String] = []) {
        self.queue = queue
        self.stores = stores
        self.topics = topics
    }

    public static let defaultQueue = "service"
    public static let supervisorQueue = "supervisors"
    public static let maximumRoutes = 100

    /// The queue of a ticket about `storeID` whose feedback named `topics`.
    public static func queue(in routes: [TicketRoute], storeID: String?, topics: [String]) -> String {
        routes.first { route in
            (route.stores.isEmpty || storeID.map(route.stores.contains) == true)
                && (route.topics.isEmpty || route.topics.contains(where: topics.contains))
        }?.queue ?? defaultQueue
    }

    static func read(from reader: inout FieldReader) -> [TicketRoute]? {
        let routes = reader.objects("routing") { route in
            let queue = route.string("queue", required: true, maxLength: 64)
            if queue?.trimmingWhitespace().isEmpty == true { route.fail("queue", "must not be blank") }
            return TicketRoute(
                queue: queue ?? "", stores: route.strings("stores", maxLength: 128) ?? [],
                topics: route.strings("topics", maxLength: 64) ?? [])
        }
        if let routes, routes.count > maximumRoutes {
            reader.fail("routing", "must hold at most \(maximumRoutes) routes")
        }
        return routes
    }
}
