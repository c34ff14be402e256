import Foundation

/// scripts/smtp-sink.py — a real SMTP server (aiosmtpd, from PyPI) — running as a child process on a free
/// loopback port, spooling what it accepts. The Python it runs is `$PATRON_TEST_PYTHON`, else `python3`.
public final class SMTPSink: Sendable {
    public let port: Int
    public let spool: URL
    private let process: Process

    public static let python = ProcessInfo.processInfo.environment["PATRON_TEST_PYTHON"] ?? "python3"

    /// Whether the sink can run here; `.ci/run` installs aiosmtpd and sets `PATRON_REQUIRE_SMTP=1`, so there a
    /// missing server fails the tests instead of skipping them.
    public static let isAvailable: Bool =
        ProcessInfo.processInfo.environment["PATRON_REQUIRE_SMTP"] == "1"
        || (try? run([python, "-c", "import aiosmtpd"])) != nil
    public static let unavailable = "needs aiosmtpd (pip install aiosmtpd) for a real SMTP server"

    private static let script = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("scripts/smtp-sink.py")

    private init(port: Int, spool: URL, process: Process) {
        self.port = port
        self.spool = spool
        self.process = process
    }

    /// Starts the sink with the script's `options` (TLS, AUTH, refusals) and waits until it listens.
    public static func start(_ options: [String] = []) async throws -> SMTPSink {
        let spool = try temporaryDirectory("spool")
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = [python, script.path, "--port", "0", "--spool", spool.path] + options
        let output = Pipe()
        process.standardOutput = output
        try process.run()
        let line = try await firstLine(of: output.fileHandleForReading, within: .seconds(20))
        guard line.hasPrefix("ready "), let port = Int(line.dropFirst(6)) else {
            process.terminate()
            throw SinkError("smtp-sink did not start: \(line.debugDescription)")
        }
        return SMTPSink(port: port, spool: spool, process: process)
    }

    deinit { stop() }

    public func stop() {
        guard process.isRunning else { return }
        process.terminate()
        process.waitUntilExit()
    }

    /// The spooled messages, by queue number.
    public func messages() throws -> [URL] {
        try FileManager.default.contentsOfDirectory(at: spool, includingPropertiesForKeys: nil)
            .filter { $0.pathExtension == "eml" }
            .sorted {
                Int($0.deletingPathExtension().lastPathComponent)! < Int($1.deletingPathExtension().lastPathComponent)!
            }
    }

    private static func firstLine(of handle: FileHandle, within timeout: Duration) async throws -> String {
        let buffer = LineBuffer()
        handle.readabilityHandler = { handle in buffer.append(handle.availableData) }
        defer { handle.readabilityHandler = nil }
        let deadline = ContinuousClock.now + timeout
        while ContinuousClock.now < deadline {
            if let line = buffer.firstLine { return line }
            try await Task.sleep(for: .milliseconds(20))
        }
        throw SinkError("smtp-sink printed no ready line within \(timeout)")
    }
}

private final class LineBuffer: @unchecked Sendable {
    private let lock = NSLock()
    private var data = Data()

    func append(_ chunk: Data) { lock.withLock { data += chunk } }

    var firstLine: String? {
        lock.withLock {
            guard let end = data.firstIndex(of: UInt8(ascii: "\n")) else { return nil }
            return String(decoding: data[..<end], as: UTF8.self)
        }
    }
}

public struct SinkError: Error, CustomStringConvertible {
    public let description: String
    init(_ description: String) { self.description = description }
}

func temporaryDirectory(_ prefix: String) throws -> URL {
    let url = FileManager.default.temporaryDirectory.appendingPathComponent("\(prefix)-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    return url
}

/// Runs a command to completion and returns its standard output; throws unless it exits 0.
@discardableResult
func run(_ arguments: [String]) throws -> String {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
    process.arguments = arguments
    let output = Pipe()
    process.standardOutput = output
    process.standardError = FileHandle.nullDevice
    try process.run()
    let data = output.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    guard process.terminationStatus == 0 else {
        throw SinkError("\(arguments[0]) exited with \(process.terminationStatus)")
    }
    return String(decoding: data, as: UTF8.self)
}

/// A self-signed certificate for "localhost", made once per test run with openssl.
public struct TestCertificate: Sendable {
    public let certificate: String
    public let key: String

    public static let shared: TestCertificate = {
        let directory = try! temporaryDirectory("cert")
        let certificate = directory.appendingPathComponent("cert.pem").path
        let key = directory.appendingPathComponent("key.pem").path
        try! run([
            "openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1", "-subj", "/CN=localhost",
            "-addext", "subjectAltName=DNS:localhost", "-keyout", key, "-out", certificate,
        ])
        return TestCertificate(certificate: certificate, key: key)
    }()

    public var sinkOptions: [String] { ["--tls-cert", certificate, "--tls-key", key] }
}

/// What Python's email package (policy.default) reads from a spooled message.
public struct ParsedMail: Decodable, Sendable {
    public let subject: String
    public let fromName: String
    public let fromAddress: String
    public let to: String
    public let text: String
    public let html: String?
    public let headers: [String: String]

    public init(file: URL) throws {
        let script = """
            import email, email.policy, json, sys
            m = email.message_from_binary_file(open(sys.argv[1], 'rb'), policy=email.policy.default)
            f = m['From'].addresses[0]
            body = lambda kind: (p := m.get_body((kind,))) and p.get_content().replace('\\r\\n', '\\n')
            print(json.dumps(dict(subject=m['Subject'], fromName=f.display_name, fromAddress=f.addr_spec,
                to=m['To'].addresses[0].addr_spec, text=body('plain'), html=body('html'),
                headers={k: str(v) for k, v in m.items()})))
            """
        let json = try run([SMTPSink.python, "-c", script, file.path])
        self = try JSONDecoder().decode(ParsedMail.self, from: Data(json.utf8))
    }
}
