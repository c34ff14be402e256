/// An IP address, and whether it reaches the public internet. Webhook targets must, unless an operator allows
/// private ones: otherwise anyone who may add an endpoint could make Patron post to the database, the cloud's
/// metadata service or a router on its own network (server-side request forgery).
public enum NetworkAddress: Sendable, Hashable, CustomStringConvertible {
    case v4(UInt32)
    /// Sixteen bytes, network order.
    case v6([UInt8])

    /// Parses `192.0.2.1` or `2001:db8::1` (an IPv6 literal may end in dotted IPv4); nil for anything else.
    public init?(_ text: some StringProtocol) {
        if let v4 = Self.parseV4(text) {
            self = .v4(v4)
        } else if let v6 = Self.parseV6(text) {
            self = .v6(v6)
        } else {
            return nil
        }
    }

    /// Whether the address is a globally routed unicast one: not loopback, private (RFC 1918, unique local),
    /// shared (carrier-grade NAT), link-local, multicast, unspecified, reserved, benchmarking or documentation.
    /// IPv4 inside IPv6 (mapped, compatible, NAT64) is judged as the IPv4 it carries.
    public var isPublic: Bool {
        switch self {
        case .v4(let address): return Self.blockedV4.allSatisfy { !$0.contains(address) }
        case .v6(let bytes):
            if bytes[0..<10].allSatisfy({ $0 == 0 }),
                (bytes[10] == 0xFF && bytes[11] == 0xFF)
                    || (bytes[10] == 0 && bytes[11] == 0 && bytes[12...].contains(where: { $0 != 0 }))
            {
                return Self.v4(bytes[12...]).isPublic
            }
            if bytes[0..<12] == [0x00, 0x64, 0xFF, 0x9B, 0, 0, 0, 0, 0, 0, 0, 0] {
                return Self.v4(bytes[12...]).isPublic
            }
            if bytes.allSatisfy({ $0 == 0 }) { return false }  // :: unspecified
            if bytes[0..<15].allSatisfy({ $0 == 0 }) && bytes[15] == 1 { return false }  // ::1 loopback
            if bytes[0] & 0xFE == 0xFC { return false }  // fc00::/7 unique local
            if bytes[0] == 0xFE && bytes[1] & 0xC0 == 0x80 { return false }  // fe80::/10 link-local
            if bytes[0] == 0xFE && bytes[1] & 0xC0 == 0xC0 { return false }  // fec0::/10 old site-local
            if bytes[0] == 0xFF { return false }  // multicast
            if bytes[0..<4] == [0x20, 0x01, 0x0D, 0xB8] { return false }  // documentation
            if bytes[0..<2] == [0x01, 0x00] && bytes[2..<8].allSatisfy({ $0 == 0 }) { return false }  // discard
            return bytes[0] & 0xE0 == 0x20  // 2000::/3, the only range handed out for global unicast
        }
    }

    public var description: String {
        switch self {
        case .v4(let address):
            return (0..<4).map { String((address >> (24 - 8 * UInt32($0))) & 0xFF) }.joined(separator: ".")
        case .v6(let bytes):
            return stride(from: 0, to: 16, by: 2).map {
                String(UInt16(bytes[$0]) << 8 | UInt16(bytes[$0 + 1]), radix: 16)
            }
            .joined(separator: ":")
        }
    }

    private static func v4(_ bytes: ArraySlice<UInt8>) -> NetworkAddress {
        .v4(bytes.reduce(0) { $0 << 8 | UInt32($1) })
    }

    private struct Block {
        let base: UInt32
        let length: UInt32

        init(_ a: UInt32, _ b: UInt32, _ c: UInt32, _ d: UInt32, _ length: UInt32) {
            base = a << 24 | b << 16 | c << 8 | d
            self.length = length
        }

        func contains(_ address: UInt32) -> Bool {
            length == 0 || (address ^ base) >> (32 - length) == 0
        }
    }

    /// IANA's special-purpose IPv4 blocks that are not globally reachable.
    private static let blockedV4: [Block] = [
        Block(0, 0, 0, 0, 8), Block(10, 0, 0, 0, 8), Block(100, 64, 0, 0, 10), Block(127, 0, 0, 0, 8),
        Block(169, 254, 0, 0, 16), Block(172, 16, 0, 0, 12), Block(192, 0, 0, 0, 24), Block(192, 0, 2, 0, 24),
        Block(192, 88, 99, 0, 24), Block(192, 168, 0, 0, 16), Block(198, 18, 0, 0, 15), Block(198, 51, 100, 0, 24),
        Block(203, 0, 113, 0, 24), Block(224, 0, 0, 0, 4), Block(240, 0, 0, 0, 4),
    ]

    private static func parseV4(_ text: some StringProtocol) -> UInt32? {
        let parts = text.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 4 else { return nil }
        var address: UInt32 = 0
        for part in parts {
            // Decimal only, no leading zeros: `010` is octal to some resolvers and decimal to others.
            guard (1...3).contains(part.count), part.allSatisfy(\.isASCII), part.allSatisfy(\.isNumber),
                part == "0" || part.first != "0", let value = UInt32(part), value <= 255
            else { return nil }
            address = address << 8 | value
        }
        return address
    }

    private static func parseV6(_ text: some StringProtocol) -> [UInt8]? {
        guard text.contains(":"), text.count <= 45 else { return nil }
        let text = String(text)
        var halves = [text]
        if let gap = text.firstRange(of: "::") {
            halves = [String(text[..<gap.lowerBound]), String(text[gap.upperBound...])]
            guard !halves[1].contains("::") else { return nil }
        }
        func groups(_ part: String, allowV4: Bool) -> [UInt8]? {
            if part.isEmpty { return [] }
            var bytes: [UInt8] = []
            let pieces = part.split(separator: ":", omittingEmptySubsequences: false)
            for (index, piece) in pieces.enumerated() {
                if allowV4, index == pieces.count - 1, piece.contains("."), let v4 = parseV4(piece) {
                    bytes += [UInt8(v4 >> 24), UInt8(v4 >> 16 & 0xFF), UInt8(v4 >> 8 & 0xFF), UInt8(v4 & 0xFF)]
                    continue
                }
                guard (1...4).contains(piece.count), let value = UInt16(piece, radix: 16) else { return nil }
                bytes += [UInt8(value >> 8), UInt8(value & 0xFF)]
            }
            return bytes
        }
        guard let head = groups(halves[0], allowV4: halves.count == 1) else { return nil }
        if halves.count == 1 { return head.count == 16 ? head : nil }
        guard let tail = groups(halves[1], allowV4: true), head.count + tail.count <= 14 else { return nil }
        return head + [UInt8](repeating: 0, count: 16 - head.count - tail.count) + tail
    }
}
