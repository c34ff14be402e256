import Foundation
import Hummingbird
import HummingbirdTesting
import PatronCore
import PatronServer
import PatronStore
import PatronTestSupport
import SQLKit
import Testing

/// A running Patron on a fresh database, with an admin key, driven through its router.
struct TestApplication {
    let client: any TestClientProtocol
    let adminKey: String
    /// The same database, opened beside the service, for creating keys and reading raw rows.
    let store: Store

    /// Builds the application exactly as `patron serve` does and runs `body` against it.
    static func run(
        _ engine: DatabaseEngine, rateLimits: RateLimits = .standard,
        webhookTargets: WebhookTargets = WebhookTargets(allowsPrivateAddresses: true),
        messageChannels: MessageChannels = .none, _ body: @escaping @Sendable (TestApplication) async throws -> Void
    ) async throws {
        let dataKey = TestDatabase.makeDataKey()
        try await TestDatabase.withURL(engine) { url in
            let configuration = PatronConfiguration(
                databaseURL: url, dataKey: dataKey, logLevel: .warning, passwordHasher: PasswordHasher(cost: 4),
                rateLimits: rateLimits, webhookTargets: webhookTargets, messageChannels: messageChannels)
            let patron = try await PatronApplication(configuration: configuration)
            // The application gets no services, so the router test framework starts no service group (whose
            // signal handlers would be installed once per test, all in one process): the test runs the database.
            let application = try patron.application(runningServices: false)
            let database = try await DatabaseFactory.open(url, logger: TestDatabase.logger)
            let store = Store(
                database: database, protector: DataProtector(dataKey: try DataKey.parse(dataKey, source: "test")),
                passwordHasher: PasswordHasher(cost: 4))
            try await patron.database.withRunning { _ in
                try await database.withRunning { _ in
                    try await application.test(.router) { client in
                        let (_, adminKey) = try await store.createAPIKey(name: "test admin", scopes: [.admin])
                        try await body(TestApplication(client: client, adminKey: adminKey, store: store))
                    }
                }
            }
        }
    }

    @discardableResult
    func request(
        _ method: HTTPRequest.Method, _ path: String, json: JSONValue? = nil, body raw: String? = nil,
        key: String? = nil, anonymous: Bool = false, idempotencyKey: String? = nil, headers extra: HTTPFields = [:]
    ) async throws -> TestResponse {
        var headers: HTTPFields = [.contentType: "application/json"]
        if !anonymous { headers[.authorization] = "Bearer \(key ?? adminKey)" }
        headers.append(contentsOf: extra)
        if let idempotencyKey { headers[.init("Idempotency-Key")!] = idempotencyKey }
        let text = try raw ?? json.map { String(decoding: try JSONEncoder().encode($0), as: UTF8.self) }
        return try await client.execute(
            uri: path, method: method, headers: headers, body: text.map { ByteBuffer(string: $0) })
    }

    func rowCount(_ table: String) async throws -> Int {
        try await store.database.read {
            try await $0.raw("SELECT COUNT(*) AS count FROM \(unsafeRaw: table)").first()!.decode(
                column: "count", as: Int.self)
        }
    }
}

extension TestResponse {
    var json: JSONValue {
        (try? JSONDecoder().decode(JSONValue.self, from: Data(body.readableBytesView))) ?? .null
    }

    var text: String { String(buffer: body) }

    /// The JSON pointers of a 422 problem's field errors.
    var errorPointers: Set<String> {
        guard case .array(let errors)? = json["errors"] else { return [] }
        return Set(errors.compactMap { if case .string(let pointer)? = $0["pointer"] { pointer } else { nil } })
    }

    var isProblem: Bool { headers[.contentType] == "application/problem+json" }
}

extension JSONValue {
    var string: String? { if case .string(let value) = self { value } else { nil } }
    var number: Double? { if case .number(let value) = self { value } else { nil } }
    var integer: Int? { number.map { Int($0) } }
    var array: [JSONValue] { if case .array(let value) = self { value } else { [] } }

    func setting(_ key: String, _ value: JSONValue?) -> JSONValue {
        guard case .object(var fields) = self else { return self }
        fields[key] = value
        return .object(fields)
    }
}

/// The order of the API documentation.
let exampleOrder: JSONValue = [
    "order_id": "A-1001",
    "member": ["external_id": "u-42", "email": "li.lei@example.com", "phone": "13800138000", "name": "李雷"],
    "occurred_at": "2026-11-01T10:15:00Z", "currency": "CNY", "channel": "store", "store_id": "SH-01",
    "lines": [["sku": "LATTE-L", "name": "拿铁 大杯", "category": "coffee", "quantity": 2, "unit_price_minor": 3200]],
    "discount_minor": 0, "total_minor": 6400,
]
