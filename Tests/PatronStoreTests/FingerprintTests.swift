import Foundation
import PatronCore
import PatronStore
import PatronTestSupport
import Testing

/// Every order recorded so far was fingerprinted from `JSONEncoder`'s sorted text: the fingerprint must not change.
@Suite struct FingerprintTests {
    static func encoderFingerprint(_ value: JSONValue) throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return Fingerprint.sha256(try encoder.encode(value))
    }

    static let characters: [String] =
        [
            "a", "Z", "0", " ", "\"", "\\", "/", "\n", "\r", "\t", "\u{08}", "\u{0C}", "\u{01}", "\u{1F}", "\u{7F}",
            "é",
            "中", "拿", "铁", "😀", "\u{2028}", "\u{FEFF}", "e\u{301}", "_", "-", ":", ",",
        ]

    static func string(_ generator: inout SeededGenerator) -> String {
        (0..<generator.nextInt(upperBound: 8)).map { _ in characters[generator.nextInt(upperBound: characters.count)] }
            .joined()
    }

    static func value(depth: Int, _ generator: inout SeededGenerator) -> JSONValue {
        switch generator.nextInt(upperBound: depth > 2 ? 4 : 6) {
        case 0: return .null
        case 1: return .bool(generator.nextInt(upperBound: 2) == 0)
        case 2:
            let numbers: [Double] = [
                0, -0.0, 1, -1, 3200, 1e13, 9e15, -8_999_999_999_999_999, -9_007_199_254_740_992, 9_007_199_254_740_993,
                0.5, 1.25e-7, 1e21, 12.34,
                Double(generator.nextInt(upperBound: 1_000_000)),
                -Double(generator.nextInt(upperBound: 1_000_000)) / 100,
            ]
            return .number(numbers[generator.nextInt(upperBound: numbers.count)])
        case 3: return .string(string(&generator))
        case 4:
            return .array((0..<generator.nextInt(upperBound: 4)).map { _ in value(depth: depth + 1, &generator) })
        default:
            var fields: [String: JSONValue] = [:]
            for _ in 0..<generator.nextInt(upperBound: 5) {
                fields[string(&generator)] = value(depth: depth + 1, &generator)
            }
            return .object(fields)
        }
    }

    @Test func theFingerprintIsTheOneOfTheEncodersSortedText() throws {
        var generator = SeededGenerator(seed: 20_261_130)
        for _ in 0..<5_000 {
            let value = Self.value(depth: 0, &generator)
            #expect(try Fingerprint.of(value) == Self.encoderFingerprint(value), "\(value)")
        }
        let order: JSONValue = [
            "order_id": "A-1", "member": ["external_id": "u/42", "name": "李雷 \"Lei\""], "total_minor": 6400,
            "lines": [["sku": "LATTE-L", "quantity": 2, "unit_price_minor": 3200]],
        ]
        #expect(try Fingerprint.of(order) == Self.encoderFingerprint(order))
    }
}
