import AsyncHTTPClient
import Foundation
import NIOCore
import NIOFoundationCompat
import NIOHTTP1
import PatronStore
import Synchronization

#if canImport(Glibc)
    import Glibc
#endif

/// A `patron serve` process on a database, started as a user would start it, for tests that kill or stop it.
final class ServerProcess: Sendable {
    let baseURL: String
    private let process: ChildProcess

    private init(baseURL: String, process: ChildProcess) {
        self.baseURL = baseURL
        self.process = process
    }

    /// The `patron` executable `swift test` builds beside the test bundle.
    static var executable: URL {
        get throws {
            let directory = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
            let patron = directory.appendingPathComponent("patron")
            guard FileManager.default.isExecutableFile(atPath: patron.path) else {
                throw ProcessTestError("no patron executable at \(patron.path): run 'swift build' first")
            }
            return patron
        }
    }

    /// Runs `patron ARGUMENTS` to its end and returns its standard output; fails unless it exits 0.
    static func run(_ arguments: [String], environment: [String: String]) async throws -> String {
        let run = try await PatronCommand.run(arguments, environment: environment)
        guard run.status == 0 else {
            throw ProcessTestError("patron \(arguments.joined(separator: " ")) exited with \(run.status)")
        }
        return run.output
    }

    /// Starts `patron serve ARGUMENTS` on `databaseURL` at a free port and waits until `/ready` answers.
    static func start(
        databaseURL: String, environment: [String: String], client: HTTPClient, arguments: [String] = [],
        output: String? = nil
    ) async throws
        -> ServerProcess
    {
        for _ in 0..<5 {
            let port = Int.random(in: 20_000..<60_000)
            let process = try ChildProcess(
                try executable.path,
                [
                    "serve", "--port", String(port), "--hostname", "127.0.0.1", "--database-url", databaseURL,
                    "--log-level", "error",
                ] + arguments, environment: environment, output: output, errors: output.map { $0 + ".errors" })
            let server = ServerProcess(baseURL: "http://127.0.0.1:\(port)", process: process)
            for _ in 0..<300 where process.isRunning {
                if let response = try? await client.execute(
                    HTTPClientRequest(url: "\(server.baseURL)/ready"), timeout: .seconds(1)), response.status == .ok
                {
                    return server
                }
                try await Task.sleep(for: .milliseconds(100))
            }
            // The port was taken, or the server is slow to come up: try another port.
            await server.kill()
        }
        throw ProcessTestError("patron serve did not become ready")
    }

    /// Kills the process at once, as a power cut or an out-of-memory kill would.
    func kill() async {
        process.signal(SIGKILL)
        _ = await process.exit()
    }

    /// Asks the process to stop, as an orchestrator does, and returns its exit status.
    func terminate() async throws -> Int32 {
        process.signal(SIGTERM)
        for _ in 0..<300 where process.isRunning {
            try await Task.sleep(for: .milliseconds(100))
        }
        guard let status = process.exitStatus else {
            await kill()
            throw ProcessTestError("patron serve did not stop within 30 s of SIGTERM")
        }
        return status
    }

    /// Sends a request with the admin key and returns the status and the JSON body.
    func send(
        _ method: HTTPMethod, _ path: String, body: [String: Any]? = nil, key: String, client: HTTPClient,
        timeout: TimeAmount = .seconds(30)
    ) async throws -> (status: Int, json: [String: Any]) {
        var request = HTTPClientRequest(url: baseURL + path)
        request.method = method
        request.headers.add(name: "Authorization", value: "Bearer \(key)")
        if let body {
            request.headers.add(name: "Content-Type", value: "application/json")
            request.body = .bytes(ByteBuffer(data: try JSONSerialization.data(withJSONObject: body)))
        }
        let response = try await client.execute(request, timeout: timeout)
        let bytes = try await response.body.collect(upTo: 1 << 22)
        let json = (try? JSONSerialization.jsonObject(with: Data(buffer: bytes))) as? [String: Any]
        return (Int(response.status.code), json ?? [:])
    }
}

struct ProcessTestError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}

extension DatabaseURL {
    /// The URL as `--database-url` takes it.
    var argument: String {
        switch self {
        case .sqlite(let path): "sqlite:\(path)"
        case .postgres(let url): url
        }
    }
}
