import Foundation
import NIOPosix
import PatronCore

/// Decides whether Patron may post to a webhook URL's host: every address the name resolves to must be on the
/// public internet, unless the operator allows private ones (`PATRON_WEBHOOK_ALLOW_PRIVATE=1`, for receivers on
/// the shop's own network, and the tests). Checked when an endpoint is saved and again before each round of
/// sends, since a name can be pointed elsewhere later; redirects are never followed.
public struct WebhookTargets: Sendable {
    public var allowsPrivateAddresses: Bool

    public init(allowsPrivateAddresses: Bool) {
        self.allowsPrivateAddresses = allowsPrivateAddresses
    }

    public func check(_ url: WebhookEndpointURL) async throws(WebhookEndpointURLError) {
        let addresses: [NetworkAddress]
        if let literal = NetworkAddress(url.host) {
            addresses = [literal]
        } else {
            do {
                addresses = try await Self.resolve(url.host)
            } catch {
                throw .unresolved(url.host)
            }
            guard !addresses.isEmpty else { throw .unresolved(url.host) }
        }
        guard !allowsPrivateAddresses else { return }
        if let blocked = addresses.first(where: { !$0.isPublic }) { throw .privateAddress(blocked.description) }
    }

    /// The addresses `host` resolves to, looked up on NIO's blocking-work threads.
    static func resolve(_ host: String) async throws -> [NetworkAddress] {
        try await NIOThreadPool.singleton.runIfActive {
            var hints = addrinfo()
            hints.ai_socktype = Int32(SOCK_STREAM.rawValue)
            var list: UnsafeMutablePointer<addrinfo>?
            let status = getaddrinfo(host, nil, &hints, &list)
            guard status == 0, let first = list else { throw ResolutionFailure(code: status) }
            defer { freeaddrinfo(list) }
            var addresses: [NetworkAddress] = []
            var entry: UnsafeMutablePointer<addrinfo>? = first
            while let current = entry {
                if let socketAddress = current.pointee.ai_addr {
                    switch current.pointee.ai_family {
                    case AF_INET:
                        let v4 = socketAddress.withMemoryRebound(to: sockaddr_in.self, capacity: 1) { $0.pointee }
                        addresses.append(.v4(UInt32(bigEndian: v4.sin_addr.s_addr)))
                    case AF_INET6:
                        let v6 = socketAddress.withMemoryRebound(to: sockaddr_in6.self, capacity: 1) { $0.pointee }
                        addresses.append(.v6(withUnsafeBytes(of: v6.sin6_addr) { Array($0) }))
                    default: break
                    }
                }
                entry = current.pointee.ai_next
            }
            return addresses
        }
    }

    struct ResolutionFailure: Error {
        let code: Int32
    }
}
