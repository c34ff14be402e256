import NIOCore
import NIOSSL

/// The SMTP server email is handed to, how the connection is secured, and the credentials it takes.
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

extension SMTPSettings {
    /// SNI and certificate name: the host unless it is an IP address.
    var tlsServerHostname: String? {
        (try? SocketAddress(ipAddress: host, port: 0)) == nil ? host : nil
    }
}
