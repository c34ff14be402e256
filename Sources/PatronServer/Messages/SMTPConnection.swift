import NIOCore
import NIOPosix
import NIOSSL
import PatronCore
import Synchronization

/// One SMTP session that sends messages one after another; concurrent `send` calls are queued.
public final class SMTPConnection: Sendable {
    private let requests: AsyncStream<SMTPRequest>.Continuation
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
        let (stream, continuation) = AsyncStream<SMTPRequest>.makeStream()
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

    private func perform(_ operation: SMTPOperation) async throws(SMTPFailure) -> String {
        let result = await withCheckedContinuation { (reply: CheckedContinuation<Result<String, SMTPFailure>, Never>) in
            if case .terminated = requests.yield(SMTPRequest(operation: operation, reply: reply)) {
                reply.resume(returning: .failure(.unavailable("connection is closed")))
            }
        }
        return try result.get()
    }

    /// Runs the session: one request at a time until the connection breaks or is closed.
    private static func serve(
        _ requests: AsyncStream<SMTPRequest>,
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

final class UsableFlag: Sendable {
    private let state = Atomic<Bool>(true)
    var value: Bool { state.load(ordering: .acquiring) }
    func clear() { state.store(false, ordering: .releasing) }
}

struct SMTPRequest: Sendable {
    let operation: SMTPOperation
    let reply: CheckedContinuation<Result<String, SMTPFailure>, Never>
}

enum SMTPOperation: Sendable {
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
