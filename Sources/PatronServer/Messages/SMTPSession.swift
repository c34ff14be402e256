import Foundation
import NIOCore
import NIOSSL

/// The protocol conversation; lives inside the connection's task only.
struct SMTPSession {
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

    mutating func perform(_ operation: SMTPOperation) async -> Result<String, SMTPFailure> {
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

enum LinkFailure: Error, CustomStringConvertible {
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
