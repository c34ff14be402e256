import ArgumentParser
import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1

/// Sends N orders over HTTP with concurrency C to a running Patron and prints orders/s and latency
/// percentiles. With `--baseline`, first measures `GET /health` the same way, so the order figures
/// can be read as a ratio of what the HTTP stack alone does on this machine in this run.
///
/// With `--rate R` the load is open-loop instead: request i is sent at start + i/R whether or not earlier
/// ones were answered, and its latency counts from that moment, so queueing in a server that falls behind
/// shows in the percentiles (a closed loop would only slow down and hide it). Several `--url`s are used in
/// turn, as a round-robin balancer would. `--reads F` makes that share of the requests reads of an order sent
/// earlier (`GET /v1/orders/{id}`), and `--interval S` reports the percentiles of each S seconds of schedule
/// too, for a long run whose latency must stay flat.
@main
struct PatronLoad: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "patron-load", abstract: "Order ingestion load generator for a running Patron.")

    @Option(help: "The service's base URL; give it again for more nodes, used in turn.")
    var url: [String] = ["http://127.0.0.1:8080"]
    @Option(help: "An API key with the orders:write scope.") var key: String
    @Option(help: "How many orders to send.") var orders = 20_000
    @Option(help: "How many requests are in flight at once.") var concurrency = 64
    @Option(help: "How many distinct members the orders belong to.") var members = 5_000
    @Option(help: "Prefix of the order ids (default: random, so runs never replay each other).") var prefix: String?
    @Flag(help: "Also measure GET /health with the same concurrency, as a baseline.") var baseline = false
    @Option(help: "Requests per second, sent on schedule whatever the answers (open loop); 0: closed loop.")
    var rate = 0.0
    @Option(help: "The share of requests that read an order sent earlier instead of sending one (open loop).")
    var reads = 0.0
    @Option(help: "With --rate, also report each this many seconds of the schedule (0: only the whole run).")
    var interval = 0.0

    func validate() throws {
        if url.isEmpty { throw ValidationError("give at least one --url") }
        if !(rate >= 0) || !rate.isFinite { throw ValidationError("--rate must be 0 or more") }
        if !(reads >= 0 && reads < 1) { throw ValidationError("--reads must be at least 0 and below 1") }
        if reads > 0 && rate == 0 { throw ValidationError("--reads needs --rate") }
        if !(interval >= 0) || !interval.isFinite { throw ValidationError("--interval must be 0 or more") }
    }

    func run() async throws {
        var configuration = HTTPClient.Configuration()
        configuration.connectionPool.concurrentHTTP1ConnectionsPerHostSoftLimit = concurrency
        let client = HTTPClient(eventLoopGroupProvider: .singleton, configuration: configuration)
        do {
            try await send(with: client)
            try await client.shutdown()
        } catch {
            try? await client.shutdown()
            throw error
        }
    }

    private func send(with client: HTTPClient) async throws {
        let prefix = prefix ?? "LOAD-\(UInt32.random(in: 0...UInt32.max))"
        if baseline {
            let health = try await measure(client: client, count: orders) { index in
                var request = HTTPClientRequest(url: "\(base(index))/health")
                request.method = .GET
                return request
            }
            print(health.report(label: "GET /health (baseline)"))
        }
        let ingestion = try await measure(client: client, count: orders) { index in
            if let earlier = earlierOrder(index) {
                var request = HTTPClientRequest(url: "\(base(index))/v1/orders/\(prefix)-\(earlier)")
                request.method = .GET
                request.headers.add(name: "Authorization", value: "Bearer \(key)")
                return request
            }
            var request = HTTPClientRequest(url: "\(base(index))/v1/orders")
            request.method = .POST
            request.headers.add(name: "Authorization", value: "Bearer \(key)")
            request.headers.add(name: "Content-Type", value: "application/json")
            request.body = .bytes(ByteBuffer(string: orderJSON(index: index, prefix: prefix)))
            return request
        }
        let label =
            rate == 0
            ? "POST /v1/orders"
            : String(format: "POST /v1/orders at %.0f/s", rate) + (reads > 0 ? " (\(Int(reads * 100))% reads)" : "")
        print(ingestion.report(label: label))
        if interval > 0 {
            for (number, part) in ingestion.intervals(of: .milliseconds(Int64(interval * 1000))).enumerated() {
                print(part.report(label: String(format: "  from %5.0f s", Double(number) * interval)))
            }
        }
        if ingestion.failures > 0 { throw ExitCode.failure }
    }

    /// The order request `index` reads, when it is a read: one sent half the run so far earlier, long answered.
    /// The first thousand requests only send orders, so that there is something to read.
    private func earlierOrder(_ index: Int) -> Int? {
        guard reads > 0, index >= 1_000, Int(Double(index + 1) * reads) > Int(Double(index) * reads) else {
            return nil
        }
        var earlier = index / 2
        while earlier > 0, Int(Double(earlier + 1) * reads) > Int(Double(earlier) * reads) { earlier -= 1 }
        return earlier
    }

    /// The node request `index` goes to.
    private func base(_ index: Int) -> String { url[index % url.count] }

    private func orderJSON(index: Int, prefix: String) -> String {
        let member = index % members
        let quantity = index % 3 + 1
        return """
            {"order_id":"\(prefix)-\(index)","member":{"external_id":"load-\(member)","email":"load-\(member)@example.com",\
            "phone":"139\(String(format: "%08d", member))"},"occurred_at":"2026-11-01T10:15:00Z","currency":"CNY",\
            "channel":"store","store_id":"SH-01","lines":[{"sku":"LATTE-L","category":"coffee","quantity":\(quantity),\
            "unit_price_minor":3200}],"discount_minor":0,"total_minor":\(quantity * 3200)}
            """
    }

    private func measure(
        client: HTTPClient, count: Int, makeRequest: @escaping @Sendable (Int) -> HTTPClientRequest
    ) async throws -> Measurement {
        if rate > 0 { return try await measureOpenLoop(client: client, count: count, makeRequest: makeRequest) }
        let start = ContinuousClock.now
        let perWorker = try await withThrowingTaskGroup(of: ([Duration], [UInt: Int]).self) { group in
            for worker in 0..<concurrency {
                group.addTask {
                    var latencies: [Duration] = []
                    var statuses: [UInt: Int] = [:]
                    var index = worker
                    while index < count {
                        let began = ContinuousClock.now
                        let response = try await client.execute(makeRequest(index), timeout: .seconds(30))
                        _ = try await response.body.collect(upTo: 1 << 20)
                        latencies.append(ContinuousClock.now - began)
                        statuses[response.status.code, default: 0] += 1
                        index += concurrency
                    }
                    return (latencies, statuses)
                }
            }
            return try await group.reduce(into: [([Duration], [UInt: Int])]()) { $0.append($1) }
        }
        let elapsed = ContinuousClock.now - start
        let latencies = perWorker.flatMap(\.0).sorted()
        let statuses = perWorker.reduce(into: [UInt: Int]()) { total, worker in
            total.merge(worker.1, uniquingKeysWith: +)
        }
        return Measurement(latencies: latencies, statuses: statuses, elapsed: elapsed)
    }
}

extension PatronLoad {
    /// Request i leaves at start + i/rate; its latency runs from then, not from when it could be sent.
    private func measureOpenLoop(
        client: HTTPClient, count: Int, makeRequest: @escaping @Sendable (Int) -> HTTPClientRequest
    ) async throws -> Measurement {
        let start = ContinuousClock.now
        let interval = Duration.nanoseconds(Int64(1e9 / rate))
        let answers = try await withThrowingTaskGroup(of: Answer.self) { group in
            for index in 0..<count {
                let due = start + interval * index
                try await Task.sleep(until: due, clock: .continuous)
                group.addTask {
                    // A request that gets no answer is counted (status 0), not fatal: a long run must report.
                    do {
                        let response = try await client.execute(makeRequest(index), timeout: .seconds(60))
                        _ = try await response.body.collect(upTo: 1 << 20)
                        return Answer(
                            due: due - start, latency: ContinuousClock.now - due, status: response.status.code)
                    } catch {
                        return Answer(due: due - start, latency: ContinuousClock.now - due, status: 0)
                    }
                }
            }
            return try await group.reduce(into: [Answer]()) { $0.append($1) }
        }
        return Measurement(answers, elapsed: ContinuousClock.now - start)
    }
}

/// One answered request of an open-loop run: when it was due (from the start), how long it took from then.
struct Answer: Sendable {
    let due: Duration
    let latency: Duration
    let status: UInt
}

struct Measurement {
    let latencies: [Duration]
    let statuses: [UInt: Int]
    let elapsed: Duration
    /// The answers one by one, for an open-loop run.
    var answers: [Answer] = []

    init(latencies: [Duration], statuses: [UInt: Int], elapsed: Duration) {
        self.latencies = latencies
        self.statuses = statuses
        self.elapsed = elapsed
    }

    init(_ answers: [Answer], elapsed: Duration) {
        self.init(
            latencies: answers.map(\.latency).sorted(),
            statuses: answers.reduce(into: [UInt: Int]()) { $0[$1.status, default: 0] += 1 }, elapsed: elapsed)
        self.answers = answers
    }

    /// The run cut by when requests were due, `length` of schedule each.
    func intervals(of length: Duration) -> [Measurement] {
        let groups = Dictionary(grouping: answers) { Int($0.due / length) }
        return (0...(groups.keys.max() ?? -1)).map { Measurement(groups[$0] ?? [], elapsed: length) }
    }

    /// Answers other than 2xx, and requests without an answer (status 0).
    var failures: Int { statuses.filter { $0.key >= 300 || $0.key == 0 }.values.reduce(0, +) }

    func percentile(_ fraction: Double) -> Double {
        guard !latencies.isEmpty else { return 0 }
        let index = min(latencies.count - 1, Int((Double(latencies.count) * fraction).rounded(.up)) - 1)
        return milliseconds(latencies[max(0, index)])
    }

    func milliseconds(_ duration: Duration) -> Double {
        Double(duration.components.seconds) * 1000 + Double(duration.components.attoseconds) / 1e15
    }

    func report(label: String) -> String {
        let seconds = milliseconds(elapsed) / 1000
        let rate = Double(latencies.count) / seconds
        let codes = statuses.keys.sorted().map { "\($0)×\(statuses[$0]!)" }.joined(separator: " ")
        return String(
            format: "%@: %d requests in %.2f s = %.0f/s, p50 %.2f ms, p99 %.2f ms, statuses %@",
            label, latencies.count, seconds, rate, percentile(0.50), percentile(0.99), codes)
    }
}
