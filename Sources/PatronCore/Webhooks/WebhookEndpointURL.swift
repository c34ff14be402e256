/// A webhook endpoint's address, checked before it is saved: `http` or `https`, a host, no user name or password
/// (they would be sent, and logged, in the clear), no fragment, at most 2,000 characters.
public struct WebhookEndpointURL: Sendable, Hashable, CustomStringConvertible {
    public static let maximumLength = 2_000

    public let text: String
    public let isSecure: Bool
    /// The host as written, without the brackets of an IPv6 literal.
    public let host: String
    public let port: Int

    public init(_ text: String) throws(WebhookEndpointURLError) {
        guard text.utf8.count <= Self.maximumLength else { throw .tooLong }
        guard text.unicodeScalars.allSatisfy({ $0.value > 0x20 && $0.value < 0x7F }) else {
            throw .notASCII
        }
        let lower = text.lowercased()
        let isSecure: Bool
        let rest: Substring
        if lower.hasPrefix("https://") {
            (isSecure, rest) = (true, text.dropFirst(8))
        } else if lower.hasPrefix("http://") {
            (isSecure, rest) = (false, text.dropFirst(7))
        } else {
            throw .scheme
        }
        guard !text.contains("#") else { throw .fragment }
        let authority = rest.prefix { $0 != "/" && $0 != "?" }
        guard !authority.contains("@") else { throw .credentials }
        var host = Substring(authority)
        var portText: Substring?
        if authority.hasPrefix("[") {
            guard let close = authority.firstIndex(of: "]") else { throw .host }
            host = authority[authority.index(after: authority.startIndex)..<close]
            let after = authority[authority.index(after: close)...]
            if !after.isEmpty {
                guard after.hasPrefix(":") else { throw .host }
                portText = after.dropFirst()
            }
            guard case .v6 = NetworkAddress(host) else { throw .host }
        } else if let colon = authority.lastIndex(of: ":") {
            host = authority[..<colon]
            portText = authority[authority.index(after: colon)...]
        }
        guard !host.isEmpty,
            host.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "-" || $0 == "." || $0 == ":" || $0 == "_" })
        else { throw .host }
        var port = isSecure ? 443 : 80
        if let portText {
            guard (1...5).contains(portText.count), portText.allSatisfy(\.isNumber), let value = Int(portText),
                (1...65_535).contains(value)
            else { throw .port }
            port = value
        }
        self.text = text
        self.isSecure = isSecure
        self.host = host.lowercased()
        self.port = port
    }

    public var description: String { text }
}

public enum WebhookEndpointURLError: Error, Sendable, Hashable, CustomStringConvertible {
    case tooLong, notASCII, scheme, fragment, credentials, host, port
    /// The host is, or resolves to, an address that is not on the public internet.
    case privateAddress(String)
    /// The host's name does not resolve.
    case unresolved(String)

    public var description: String {
        switch self {
        case .tooLong: "must be at most \(WebhookEndpointURL.maximumLength) characters"
        case .notASCII: "must be ASCII without spaces (write an international domain name in its xn-- form)"
        case .scheme: "must start with https:// (or http://)"
        case .fragment: "must not have a #fragment"
        case .credentials: "must not hold a user name or password"
        case .host: "must name a host"
        case .port: "must have a port from 1 to 65535"
        case .privateAddress(let address):
            "reaches \(address), which is not on the public internet; an operator may allow private addresses "
                + "with PATRON_WEBHOOK_ALLOW_PRIVATE=1"
        case .unresolved(let host): "names a host that does not resolve (\(host))"
        }
    }
}
