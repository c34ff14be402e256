import Foundation
import Hummingbird
import NIOCore
import Synchronization

/// A real HTTP server on loopback that takes webhooks the way an integrator's would: it records each request's
/// headers and body and answers with the next scripted status (200 once the script runs out).
public final class WebhookReceiver: Sendable {
    public struct Received: Sendable {
        public var headers: [String: String]
        public var body: [UInt8]

        public var json: [String: Any]? {
            (try? JSONSerialization.jsonObject(with: Data(body))) as? [String: Any]
        }
    }

    private struct State {
        var answers: [Int] = []
        var received: [Received] = []
    }

    private let state: Mutex<State>

    public init(answers: [Int] = []) {
        state = Mutex(State(answers: answers))
    }

    public var received: [Received] { state.withLock { $0.received } }

    public func script(_ answers: [Int]) { state.withLock { $0.answers = answers } }

    private func take(_ request: Received) -> Int {
        state.withLock { state in
            state.received.append(request)
            return state.answers.isEmpty ? 200 : state.answers.removeFirst()
        }
    }

    /// Runs the receiver on a free port for the length of `body`, which gets the URL to post to.
    public func run<Result: Sendable>(_ body: @Sendable (String) async throws -> Result) async throws -> Result {
        let router = Router()
        router.post("hook") { request, _ -> Response in
            let bytes = try await request.body.collect(upTo: 1 << 20)
            var headers: [String: String] = [:]
            for field in request.headers { headers[field.name.canonicalName] = field.value }
            let status = self.take(Received(headers: headers, body: Array(buffer: bytes)))
            return Response(status: .init(code: status))
        }
        let port = Mutex<Int?>(nil)
        let application = Application(
            router: router, configuration: .init(address: .hostname("127.0.0.1", port: 0)),
            onServerRunning: { channel in port.withLock { $0 = channel.localAddress?.port } })
        return try await withThrowingTaskGroup(of: Result?.self) { group in
            group.addTask {
                try await application.runService(gracefulShutdownSignals: [])
                return nil
            }
            var bound: Int?
            for _ in 0..<500 where bound == nil {
                bound = port.withLock { $0 }
                if bound == nil { try await Task.sleep(for: .milliseconds(10)) }
            }
            guard let bound else { throw CancellationError() }
            let result = try await body("http://127.0.0.1:\(bound)/hook")
            group.cancelAll()
            return result
        }
    }
}
