import Foundation
import NIOCore
import NIOPosix
import PatronCore
import PatronStore

/// Sends email through the configured SMTP server over a few connections kept open between messages. A
/// marketing email carries `List-Unsubscribe` with one-click POST (RFC 8058); the Message-ID is the message's
/// own id, the same on every retry.
struct EmailSender: ChannelSender {
    let settings: SMTPSettings
    let from: MailAddress
    private let pool: SMTPPool

    init(settings: SMTPSettings, from: MailAddress, connections: Int = 4) {
        self.settings = settings
        self.from = from
        self.pool = SMTPPool(settings: settings, size: connections)
    }

    var parallelism: Int { pool.size }

    func send(_ message: OutgoingMessage) async -> SendOutcome {
        let send = message.send
        guard let address = send.address, let to = try? MailAddress(address) else {
            return .failed(error: "the member's email address cannot be used for mail", permanent: true)
        }
        var headers: [(name: String, value: String)] = []
        if let unsubscribe = message.unsubscribeURL {
            headers = [
                ("List-Unsubscribe", "<\(unsubscribe)>"), ("List-Unsubscribe-Post", "List-Unsubscribe=One-Click"),
            ]
        }
        let domain = from.address.split(separator: "@").last.map(String.init) ?? "patron"
        let mail = MailMessage(
            messageID: "\(send.messageID)@\(domain)", from: from, to: to, subject: message.rendered.subject ?? "",
            text: message.rendered.text, html: message.rendered.html, headers: headers)
        let connection: SMTPConnection
        do {
            connection = try await pool.take()
        } catch {
            return Self.outcome(error, recipient: to.address)
        }
        do {
            let reply = try await connection.send(mail, envelopeFrom: from.address, recipients: [to.address])
            await pool.give(connection)
            return .sent(reference: String(reply.prefix(200)))
        } catch {
            await pool.give(connection)
            return Self.outcome(error, recipient: to.address)
        }
    }

    /// The outcome a failure means; the server's words may quote the address, and the log keeps member ids only.
    private static func outcome(_ failure: SMTPFailure, recipient: String) -> SendOutcome {
        let redact = { (text: String) in text.replacingOccurrences(of: recipient, with: "<recipient>") }
        switch failure {
        case .unavailable(let reason):
            return .failed(error: "the mail server could not be used: \(redact(reason))", permanent: false)
        case .rejected(let code, let reply, let permanent):
            return .failed(error: "the mail server refused it: \(code) \(redact(reply))", permanent: permanent)
        case .ambiguous(let reason):
            return .ambiguous("the mail server's answer was lost: \(redact(reason))")
        case .invalid(let reason):
            return .failed(error: "the message cannot be sent as it is: \(redact(reason))", permanent: true)
        }
    }

    func shutdown() async {
        await pool.closeAll()
    }
}

/// Open SMTP connections, each used by one sender at a time.
actor SMTPPool {
    let settings: SMTPSettings
    nonisolated let size: Int
    private var idle: [SMTPConnection] = []

    init(settings: SMTPSettings, size: Int) {
        self.settings = settings
        self.size = size
    }

    func take() async throws(SMTPFailure) -> SMTPConnection {
        while let connection = idle.popLast() {
            if connection.isUsable { return connection }
        }
        return try await SMTPConnection.open(settings, on: MultiThreadedEventLoopGroup.singleton)
    }

    func give(_ connection: SMTPConnection) async {
        if connection.isUsable && idle.count < size {
            idle.append(connection)
        } else {
            await connection.close()
        }
    }

    func closeAll() async {
        for connection in idle { await connection.close() }
        idle.removeAll()
    }
}
