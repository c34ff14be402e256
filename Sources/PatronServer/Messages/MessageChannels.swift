import AsyncHTTPClient
import Foundation
import NIOSSL
import PatronCore
import PatronStore

/// The channels this server can send on: email when an SMTP server and a sender address are configured, SMS,
/// WeChat and push when a provider bridge is. A message for a channel without one skips it for the next.
public struct MessageChannels: Sendable {
    public var smtp: SMTPSettings?
    public var mailFrom: MailAddress?
    public var bridges: [MessageChannel: String]
    /// Signs what is posted to the bridges (`whsec_…`).
    public var bridgeSecret: String?

    public init(
        smtp: SMTPSettings? = nil, mailFrom: MailAddress? = nil, bridges: [MessageChannel: String] = [:],
        bridgeSecret: String? = nil
    ) {
        self.smtp = smtp
        self.mailFrom = mailFrom
        self.bridges = bridges
        self.bridgeSecret = bridgeSecret
    }

    public static let none = MessageChannels()

    public var available: Set<MessageChannel> {
        var channels = Set(bridges.keys)
        if smtp != nil, mailFrom != nil { channels.insert(.email) }
        return channels
    }

    /// Reads the command line's settings: `smtp://user:password@host:587` (STARTTLS, required),
    /// `smtps://…:465` (TLS from the start) or `smtp+plain://host:port` (no encryption: a relay on this host);
    /// the sender as `Name <address>` or a bare address; bridges as `channel=url`.
    public static func parse(
        smtpURL: String?, smtpCAFile: String?, mailFrom: String?, bridges: [String], bridgeSecret: String?,
        heloName: String
    ) throws(ConfigurationError) -> MessageChannels {
        var channels = MessageChannels()
        if let smtpURL {
            channels.smtp = try smtpSettings(smtpURL, caFile: smtpCAFile, heloName: heloName)
            guard let mailFrom else {
                throw ConfigurationError("an SMTP server needs a sender address: set --mail-from")
            }
            channels.mailFrom = try sender(mailFrom)
        }
        for bridge in bridges {
            let parts = bridge.split(separator: "=", maxSplits: 1).map(String.init)
            guard parts.count == 2, let channel = MessageChannel(rawValue: parts[0]), channel != .email,
                let url = URL(string: parts[1]), ["http", "https"].contains(url.scheme ?? ""), url.host != nil
            else {
                throw ConfigurationError("a bridge is given as sms=URL, wechat=URL or push=URL, with an http(s) URL")
            }
            channels.bridges[channel] = parts[1]
        }
        if !channels.bridges.isEmpty {
            guard let bridgeSecret, bridgeSecret.hasPrefix("whsec_"), bridgeSecret.count >= 30 else {
                throw ConfigurationError(
                    "bridges need a signing secret: set --message-bridge-secret to whsec_ and 24 or more random bytes in base64"
                )
            }
            channels.bridgeSecret = bridgeSecret
        }
        return channels
    }

    private static func smtpSettings(
        _ text: String, caFile: String?, heloName: String
    ) throws(ConfigurationError) -> SMTPSettings {
        guard let components = URLComponents(string: text), let host = components.host, !host.isEmpty else {
            throw ConfigurationError("--smtp-url must be like smtp://user:password@mail.example.cn:587")
        }
        let security: SMTPSettings.Security
        switch components.scheme {
        case "smtp": security = .startTLS
        case "smtps": security = .tls
        case "smtp+plain": security = .plain
        default: throw ConfigurationError("--smtp-url must start with smtp://, smtps:// or smtp+plain://")
        }
        var tls = TLSConfiguration.makeClientConfiguration()
        if let caFile { tls.trustRoots = .file(caFile) }
        return SMTPSettings(
            host: host, port: components.port ?? (security == .plain ? 25 : nil), security: security,
            username: components.percentEncodedUser?.removingPercentEncoding,
            password: components.percentEncodedPassword?.removingPercentEncoding, heloName: heloName,
            tlsConfiguration: tls)
    }

    /// `Name <address>` or a bare address.
    private static func sender(_ text: String) throws(ConfigurationError) -> MailAddress {
        var name: String?
        var address = text.trimmingWhitespace()
        if address.hasSuffix(">"), let open = address.lastIndex(of: "<") {
            let display = String(address[..<open]).trimmingWhitespace()
            name = display.isEmpty ? nil : display
            address = String(address[address.index(after: open)..<address.index(before: address.endIndex)])
        }
        do {
            return try MailAddress(address, displayName: name)
        } catch {
            throw ConfigurationError("--mail-from: \(error.description)")
        }
    }

    func makeSenders(clock: WallClock) -> [MessageChannel: any ChannelSender] {
        var senders: [MessageChannel: any ChannelSender] = [:]
        if let smtp, let mailFrom { senders[.email] = EmailSender(settings: smtp, from: mailFrom) }
        if let bridgeSecret, !bridges.isEmpty {
            let client = WebhookDispatcher.makeClient()
            for (channel, url) in bridges {
                senders[channel] = BridgeSender(url: url, secret: bridgeSecret, client: client, clock: clock)
            }
        }
        return senders
    }
}

/// A setting the server cannot start with.
public struct ConfigurationError: Error, CustomStringConvertible, Sendable {
    public let description: String
    public init(_ description: String) { self.description = description }
}
