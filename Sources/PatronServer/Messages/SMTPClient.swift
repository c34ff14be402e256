import Foundation
import NIOCore
import NIOPosix
import NIOSSL
import PatronCore
import Synchronization

public struct SMTPSettings: Sendable {
    public enum Security: Sendable, Hashable {
        /// Upgrade with STARTTLS; refuses to go on if the server does not offer it.
        case startTLS
        /// TLS from the first byte (usually port 465).
        case tls
        /// No encryption: only for loopback test servers.
        case plain
    }

    public var host: String
    public var port: Int
    public var security: Security
    /// Sent with AUTH PLAIN (or LOGIN when only LOGIN is offered).
    public var username: String?
    public var password: String?
    /// The name given in EHLO: the sending host's fully qualified domain name.
    public var heloName: String
    public var tlsConfiguration: TLSConfiguration
    /// The longest wait for any one reply.
    public var timeout: TimeAmount

    public init(
        host: String,
        port: Int? = nil,
        security: Security = .startTLS,
        username: String? = nil,
        password: String? = nil,
        heloName: String,
        tlsConfiguration: TLSConfiguration = .makeClientConfiguration(),
        timeout: TimeAmount = .seconds(30)
    ) {
        self.host = host
        self.port = port ?? (security == .tls ? 465 : 587)
        self.security = security
        self.username = username
        self.password = password
        self.heloName = heloName
        self.tlsConfiguration = tlsConfiguration
        self.timeout = timeout
    }
}

// Credentials stay out of logs, string interpolation and dump().
extension SMTPSettings: CustomStringConvertible, CustomReflectable {
    public var description: String {
        "SMTPSettings(host: \(host), port: \(port), security: \(security), heloName: \(heloName), "
            + "credentials: \(username == nil ? "none" : "set"), timeout: \(timeout))"
    }

    public var customMirror: Mirror {
        Mirror(self, children: ["description": description])
    }
}

public enum SMTPFailure: Error, Sendable, Equatable, CustomStringConvertible {
    /// Could not connect, greet, start TLS or authenticate, or the connection broke before the message
    /// data was sent: nothing was delivered, trying again later is safe.
    case unavailable(String)
    /// The server refused this message before accepting it (4xx transient, 5xx permanent): nothing was delivered.
    case rejected(code: Int, message: String, permanent: Bool)
    /// The whole message was sent but the reply to the final "." never came: the server may have it.
    case ambiguous(String)
    /// The message or envelope cannot be sent as given (bad address, header injection): nothing was sent.
    case invalid(String)

    public var description: String {
        switch self {
        case .unavailable(let reason): "SMTP server unavailable: \(reason)"
        case .rejected(let code, let message, let permanent):
            "SMTP server \(permanent ? "permanently" : "temporarily") rejected the message: \(code) \(message)"
        case .ambiguous(let reason): "SMTP delivery uncertain: \(reason)"
        case .invalid(let reason): "message not sendable: \(reason)"
        }
    }
}

/// One SMTP session that sends messages one after another; concurrent `send` calls are queued.
public final class SMTPConnection: Sendable {
    private let requests: AsyncStream<Request>.Continuation
    private let worker: Task<Void, Never>
    private let usable: UsableFlag

    /// Connects, reads the greeting, says EHLO, upgrades with STARTTLS when asked to, and authenticates.
    public static func open(
        _ settings: SMTPSettings,
        on group: any EventLoopGroup
    ) async throws(SMTPFailure) -> SMTPConnection {
        guard settings.heloName.utf8.allSatisfy({ $0 > 0x20 && $0 < 0x7F }), !settings.heloName.isEmpty else {
            throw .invalid("heloName must be a host name")
        }
        let ledger = InboundLedger()
        let channel: NIOAsyncChannel<String, ByteBuffer>
        do {
            channel = try await connect(settings, ledger: ledger, on: group)
        } catch {
            throw .unavailable("cannot connect to \(settings.host):\(settings.port): \(error)")
        }
        let connection = SMTPConnection(channel: channel, ledger: ledger, settings: settings)
        do {
            _ = try await connection.perform(.handshake)
        } catch {
            await connection.close()
            throw error
        }
        return connection
    }

    private init(channel: NIOAsyncChannel<String, ByteBuffer>, ledger: InboundLedger, settings: SMTPSettings) {
        let (stream, continuation) = AsyncStream<Request>.makeStream()
        let usable = UsableFlag()
        channel.channel.closeFuture.whenComplete { _ in usable.clear() }
        self.requests = continuation
        self.usable = usable
        self.worker = Task {
            await Self.serve(stream, over: channel, ledger: ledger, settings: settings, usable: usable)
        }
    }

    deinit { requests.finish() }

    /// False once the connection failed or was closed.
    public var isUsable: Bool { usable.value }

    /// Sends one message and returns the text of the server's final 250 reply (often its queue id).
    public func send(
        _ message: MailMessage,
        envelopeFrom: String,
        recipients: [String]
    ) async throws(SMTPFailure) -> String {
        let envelope = try Envelope(message: message, sender: envelopeFrom, recipients: recipients)
        return try await perform(.deliver(envelope))
    }

    /// Says QUIT and closes; messages already queued are sent first.
    public func close() async {
        requests.finish()
        await worker.value
        usable.clear()
    }

    private func perform(_ operation: Operation) async throws(SMTPFailure) -> String {
        let result = await withCheckedContinuation { (reply: CheckedContinuation<Result<String, SMTPFailure>, Never>) in
            if case .terminated = requests.yield(Request(operation: operation, reply: reply)) {
                reply.resume(returning: .failure(.unavailable("connection is closed")))
            }
        }
        return try result.get()
    }

    /// Runs the session: one request at a time until the connection breaks or is closed.
    private static func serve(
        _ requests: AsyncStream<Request>,
        over channel: NIOAsyncChannel<String, ByteBuffer>,
        ledger: InboundLedger,
        settings: SMTPSettings,
        usable: UsableFlag
    ) async {
        var pending = requests.makeAsyncIterator()
        try? await channel.executeThenClose { inbound, outbound in
            var session = SMTPSession(
                lines: inbound.makeAsyncIterator(),
                writer: outbound,
                channel: channel.channel,
                ledger: ledger,
                settings: settings
            )
            while let request = await pending.next() {
                request.reply.resume(returning: await session.perform(request.operation))
                guard session.isHealthy else { return }
            }
            await session.quit()
        }
        usable.clear()
        while let request = await pending.next() {
            request.reply.resume(returning: .failure(.unavailable("connection is closed")))
        }
    }

    private static func connect(
        _ settings: SMTPSettings,
        ledger: InboundLedger,
        on group: any EventLoopGroup
    ) async throws -> NIOAsyncChannel<String, ByteBuffer> {
        let tlsContext = settings.security == .tls ? try NIOSSLContext(configuration: settings.tlsConfiguration) : nil
        let serverHostname = settings.tlsServerHostname
        return try await ClientBootstrap(group: group)
            .connectTimeout(settings.timeout)
            .connect(host: settings.host, port: settings.port) { channel in
                channel.eventLoop.makeCompletedFuture {
                    if let tlsContext {
                        let tls = try NIOSSLClientHandler(context: tlsContext, serverHostname: serverHostname)
                        try channel.pipeline.syncOperations.addHandler(tls)
                    }
                    try channel.pipeline.syncOperations.addHandler(ByteToMessageHandler(LineDecoder(ledger: ledger)))
                    return try NIOAsyncChannel<String, ByteBuffer>(wrappingChannelSynchronously: channel)
                }
            }
    }
}

extension SMTPSettings {
    /// SNI and certificate name: the host unless it is an IP address.
    var tlsServerHostname: String? {
        (try? SocketAddress(ipAddress: host, port: 0)) == nil ? host : nil
    }
}

private final class UsableFlag: Sendable {
    private let state = Atomic<Bool>(true)
    var value: Bool { state.load(ordering: .acquiring) }
    func clear() { state.store(false, ordering: .releasing) }
}

private struct Request: Sendable {
    let operation: Operation
    let reply: CheckedContinuation<Result<String, SMTPFailure>, Never>
}

private enum Operation: Sendable {
    case handshake
    case deliver(Envelope)
}

/// A checked envelope plus the rendered, dot-stuffed message ending in CRLF.CRLF.
struct Envelope: Sendable {
    let sender: String
    let recipients: [String]
    let data: ByteBuffer

    init(message: MailMessage, sender: String, recipients: [String]) throws(SMTPFailure) {
        guard !recipients.isEmpty else { throw .invalid("no recipients") }
        do {
            // An empty sender is the null reverse-path used for bounces.
            if !sender.isEmpty { _ = try MailAddress(sender) }
            for recipient in recipients { _ = try MailAddress(recipient) }
            self.data = Self.dotStuffed(try message.rendered())
        } catch {
            throw .invalid("\(error)")
        }
        self.sender = sender
        self.recipients = recipients
    }

    static func dotStuffed(_ text: String) -> ByteBuffer {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(text.utf8.count + 64)
        var atLineStart = true
        for byte in text.utf8 {
            if atLineStart && byte == UInt8(ascii: ".") { bytes.append(byte) }
            bytes.append(byte)
            atLineStart = byte == UInt8(ascii: "\n")
        }
        if !atLineStart { bytes += Array("\r\n".utf8) }
        bytes += Array(".\r\n".utf8)
        return ByteBuffer(bytes: bytes)
    }
}

/// The protocol conversation; lives inside the connection's task only.
private struct SMTPSession {
    private var lines: NIOAsyncChannelInboundStream<String>.AsyncIterator
    private let writer: NIOAsyncChannelOutboundWriter<ByteBuffer>
    private let channel: any NIOCore.Channel
    private let ledger: InboundLedger
    private let settings: SMTPSettings
    private var capabilities = Capabilities()
    private var linesRead = 0
    private(set) var isHealthy = true

    init(
        lines: NIOAsyncChannelInboundStream<String>.AsyncIterator,
        writer: NIOAsyncChannelOutboundWriter<ByteBuffer>,
        channel: any NIOCore.Channel,
        ledger: InboundLedger,
        settings: SMTPSettings
    ) {
        self.lines = lines
        self.writer = writer
        self.channel = channel
        self.ledger = ledger
        self.settings = settings
    }

    mutating func perform(_ operation: Operation) async -> Result<String, SMTPFailure> {
        do throws(SMTPFailure) {
            switch operation {
            case .handshake:
                try await handshake()
                return .success("")
            case .deliver(let envelope):
                return .success(try await deliver(envelope))
            }
        } catch {
            if case .handshake = operation { isHealthy = false }
            return .failure(error)
        }
    }

    mutating func quit() async {
        _ = try? await command("QUIT")
    }

    // MARK: Handshake

    private mutating func handshake() async throws(SMTPFailure) {
        try require(220, try await exchange(nil, step: "greeting"), step: "greeting")
        try await hello()
        if settings.security == .startTLS {
            guard capabilities.keywords.contains("STARTTLS") else {
                throw .unavailable("\(settings.host) does not offer STARTTLS; refusing to continue without TLS")
            }
            try require(220, try await exchange("STARTTLS", step: "STARTTLS"), step: "STARTTLS")
            try await startTLS()
            try await hello()
        }
        if let username = settings.username, let password = settings.password {
            try await authenticate(username: username, password: password)
        }
    }

    private mutating func hello() async throws(SMTPFailure) {
        let reply = try await exchange("EHLO \(settings.heloName)", step: "EHLO")
        if reply.code == 250 {
            capabilities = Capabilities(ehlo: reply)
            return
        }
        guard settings.security == .plain, reply.code >= 500 else { throw .unavailable("EHLO refused: \(reply)") }
        try require(250, try await exchange("HELO \(settings.heloName)", step: "HELO"), step: "HELO")
        capabilities = Capabilities()
    }

    /// Puts TLS under the line decoder. Plaintext already received after the 220 would be read as if it came
    /// through TLS (STARTTLS response injection), so it is refused; checked on the event loop, before more arrives.
    private func startTLS() async throws(SMTPFailure) {
        do {
            let context = try NIOSSLContext(configuration: settings.tlsConfiguration)
            let serverHostname = settings.tlsServerHostname
            try await channel.eventLoop.submit { [channel, ledger, linesRead] in
                guard ledger.isDrained(linesRead: linesRead) else { throw PlaintextAfterSTARTTLS() }
                let tls = try NIOSSLClientHandler(context: context, serverHostname: serverHostname)
                try channel.pipeline.syncOperations.addHandler(tls, position: .first)
            }.get()
        } catch {
            throw .unavailable("TLS setup failed: \(error)")
        }
    }

    private mutating func authenticate(username: String, password: String) async throws(SMTPFailure) {
        let plainToken = Data("\0\(username)\0\(password)".utf8).base64EncodedString()
        let secrets = [username, password, plainToken, base64(username), base64(password)]
        let reply: SMTPReply
        if capabilities.authMechanisms.contains("PLAIN") {
            reply = try await exchange("AUTH PLAIN \(plainToken)", step: "AUTH")
        } else if capabilities.authMechanisms.contains("LOGIN") {
            try require(334, try await exchange("AUTH LOGIN", step: "AUTH"), step: "AUTH LOGIN")
            try require(334, try await exchange(base64(username), step: "AUTH"), step: "AUTH LOGIN")
            reply = try await exchange(base64(password), step: "AUTH")
        } else {
            throw .unavailable("server offers neither AUTH PLAIN nor AUTH LOGIN")
        }
        guard reply.code == 235 else {
            throw .unavailable("authentication failed: \(reply.code) \(reply.text.redacting(secrets))")
        }
    }

    private func base64(_ text: String) -> String { Data(text.utf8).base64EncodedString() }

    /// Sends `command` (or only reads, for the greeting); a broken link means the server is unavailable.
    private mutating func exchange(_ command: String?, step: String) async throws(SMTPFailure) -> SMTPReply {
        do {
            if let command { return try await self.command(command) }
            return try await readReply()
        } catch {
            isHealthy = false
            throw .unavailable("\(step): \(error)")
        }
    }

    private func require(_ code: Int, _ reply: SMTPReply, step: String) throws(SMTPFailure) {
        guard reply.code == code else { throw .unavailable("\(step) refused: \(reply)") }
    }

    // MARK: Transaction

    private mutating func deliver(_ envelope: Envelope) async throws(SMTPFailure) -> String {
        try await openTransaction(envelope)
        return try await sendData(envelope.data)
    }

    /// MAIL, RCPT and DATA: in one write when the server offers PIPELINING, else one by one.
    /// A refusal rejects this message only; RSET keeps the connection ready for the next one.
    private mutating func openTransaction(_ envelope: Envelope) async throws(SMTPFailure) {
        let commands = ["MAIL FROM:<\(envelope.sender)>"] + envelope.recipients.map { "RCPT TO:<\($0)>" } + ["DATA"]
        let groups = capabilities.keywords.contains("PIPELINING") ? [commands] : commands.map { [$0] }
        var refusal: (command: String, reply: SMTPReply)?
        var dataAccepted = false
        for group in groups where refusal == nil {
            do {
                try await write(ByteBuffer(string: group.map { $0 + "\r\n" }.joined()))
                for command in group {
                    let reply = try await readReply()
                    dataAccepted = command == "DATA" && reply.code == 354
                    let expected = command == "DATA" ? 354...354 : 250...259
                    if refusal == nil, !expected.contains(reply.code) { refusal = (command, reply) }
                }
            } catch {
                isHealthy = false
                throw .unavailable("\(group[0]) failed before the message was sent: \(error)")
            }
        }
        guard let (command, reply) = refusal else { return }
        guard (400..<600).contains(reply.code) else {
            isHealthy = false
            throw .unavailable("unexpected reply to \(command): \(reply)")
        }
        // Dropping the connection is the only way to abandon an accepted DATA without delivering.
        if dataAccepted || reply.code == 421 { isHealthy = false } else { await reset() }
        throw .rejected(code: reply.code, message: "\(command): \(reply.text)", permanent: reply.code >= 500)
    }

    private mutating func sendData(_ data: ByteBuffer) async throws(SMTPFailure) -> String {
        do {
            try await write(data)
        } catch {
            isHealthy = false
            throw .unavailable("connection lost before the message data was sent: \(error)")
        }
        let reply: SMTPReply
        do {
            reply = try await readReply()
        } catch {
            isHealthy = false
            throw .ambiguous("message data sent but no reply to the final dot: \(error)")
        }
        if (200..<300).contains(reply.code) { return reply.text }
        guard (400..<600).contains(reply.code) else {
            isHealthy = false
            throw .ambiguous("unexpected reply to the final dot: \(reply)")
        }
        if reply.code == 421 { isHealthy = false }
        throw .rejected(code: reply.code, message: reply.text, permanent: reply.code >= 500)
    }

    private mutating func reset() async {
        let reply = try? await command("RSET")
        if reply?.code != 250 { isHealthy = false }
    }

    // MARK: Wire

    private mutating func command(_ line: String) async throws(LinkFailure) -> SMTPReply {
        try await write(ByteBuffer(string: line + "\r\n"))
        return try await readReply()
    }

    private func write(_ buffer: ByteBuffer) async throws(LinkFailure) {
        do {
            try await writer.write(buffer)
        } catch {
            throw .broken("\(error)")
        }
    }

    /// Reads one possibly multi-line reply; the timer fails the inbound stream if it takes too long.
    private mutating func readReply() async throws(LinkFailure) -> SMTPReply {
        let timer = channel.eventLoop.scheduleTask(in: settings.timeout) { [channel, timeout = settings.timeout] in
            channel.pipeline.fireErrorCaught(LinkFailure.timedOut(timeout))
        }
        defer { timer.cancel() }
        var texts: [String] = []
        while texts.count < SMTPReply.maxLines {
            let line: String?
            do {
                line = try await lines.next()
            } catch let failure as LinkFailure {
                throw failure
            } catch {
                throw .broken("\(error)")
            }
            guard let line else { throw .closed }
            linesRead += 1
            guard let parsed = SMTPReply.Line(line) else { throw .malformed(String(line.prefix(200))) }
            texts.append(parsed.text)
            if parsed.isLast { return SMTPReply(code: parsed.code, lines: texts) }
        }
        throw .malformed("reply longer than \(SMTPReply.maxLines) lines")
    }
}

private enum LinkFailure: Error, CustomStringConvertible {
    case timedOut(TimeAmount)
    case closed
    case malformed(String)
    case broken(String)

    var description: String {
        switch self {
        case .timedOut(let timeout): "no reply within \(timeout)"
        case .closed: "connection closed by the server"
        case .malformed(let line): "malformed reply \(line.debugDescription)"
        case .broken(let reason): reason
        }
    }
}

struct SMTPReply: CustomStringConvertible {
    static let maxLines = 1000
    let code: Int
    let lines: [String]

    var text: String { lines.joined(separator: "\n") }
    var description: String { "\(code) \(lines.joined(separator: " / "))" }

    /// One reply line: "250-text" continues, "250 text" (or "250") ends the reply.
    struct Line {
        let code: Int
        let text: String
        let isLast: Bool

        init?(_ line: String) {
            let bytes = Array(line.utf8)
            guard bytes.count >= 3, bytes[0..<3].allSatisfy({ (0x30...0x39).contains($0) }) else { return nil }
            code = bytes[0..<3].reduce(0) { $0 * 10 + Int($1 - 0x30) }
            guard bytes.count > 3 else {
                (text, isLast) = ("", true)
                return
            }
            guard bytes[3] == UInt8(ascii: " ") || bytes[3] == UInt8(ascii: "-") else { return nil }
            text = String(decoding: bytes[4...], as: UTF8.self)
            isLast = bytes[3] == UInt8(ascii: " ")
        }
    }
}

/// What EHLO announced: extension keywords and AUTH mechanisms, upper-cased.
struct Capabilities {
    var keywords: Set<String> = []
    var authMechanisms: Set<String> = []

    init() {}

    init(ehlo reply: SMTPReply) {
        for line in reply.lines.dropFirst() {
            let words = line.uppercased().split(separator: " ").map(String.init)
            guard let keyword = words.first else { continue }
            if keyword.hasPrefix("AUTH=") {
                authMechanisms.insert(String(keyword.dropFirst(5)))
                continue
            }
            keywords.insert(keyword)
            if keyword == "AUTH" { authMechanisms.formUnion(words.dropFirst()) }
        }
    }
}

/// What the line decoder has taken in; touched only on the event loop.
final class InboundLedger: Sendable {
    private let linesDecoded = Atomic<Int>(0)
    private let bytesBuffered = Atomic<Int>(0)

    func lineDecoded(leaving remainder: Int) {
        linesDecoded.add(1, ordering: .relaxed)
        bytesBuffered.store(remainder, ordering: .relaxed)
    }
    func buffered(_ count: Int) { bytesBuffered.store(count, ordering: .relaxed) }
    func isDrained(linesRead: Int) -> Bool {
        linesDecoded.load(ordering: .relaxed) == linesRead && bytesBuffered.load(ordering: .relaxed) == 0
    }
}

struct PlaintextAfterSTARTTLS: Error, CustomStringConvertible {
    var description: String { "server sent unexpected data after its reply to STARTTLS" }
}

/// Splits the byte stream into lines without their CRLF (or bare LF).
struct LineDecoder: ByteToMessageDecoder {
    typealias InboundOut = String
    static let maxLineLength = 16 * 1024

    struct LineTooLong: Error {}

    let ledger: InboundLedger

    mutating func decode(context: ChannelHandlerContext, buffer: inout ByteBuffer) throws -> DecodingState {
        guard let newline = buffer.readableBytesView.firstIndex(of: UInt8(ascii: "\n")) else {
            if buffer.readableBytes > Self.maxLineLength { throw LineTooLong() }
            ledger.buffered(buffer.readableBytes)
            return .needMoreData
        }
        var line = buffer.readSlice(length: newline - buffer.readerIndex + 1)!
        var length = line.readableBytes - 1
        if length > 0, line.getInteger(at: line.readerIndex + length - 1, as: UInt8.self) == UInt8(ascii: "\r") {
            length -= 1
        }
        ledger.lineDecoded(leaving: buffer.readableBytes)
        context.fireChannelRead(wrapInboundOut(line.readString(length: length)!))
        return .continue
    }

    mutating func decodeLast(
        context: ChannelHandlerContext,
        buffer: inout ByteBuffer,
        seenEOF: Bool
    ) throws -> DecodingState {
        try decode(context: context, buffer: &buffer)
    }
}

extension String {
    func redacting(_ secrets: [String]) -> String {
        secrets.filter { !$0.isEmpty }.reduce(self) { $0.replacingOccurrences(of: $1, with: "***") }
    }
}
