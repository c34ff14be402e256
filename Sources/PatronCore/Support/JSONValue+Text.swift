import Foundation

extension JSONValue {
    /// The text `JSONEncoder` writes for this value with sorted keys and unescaped slashes, byte for byte, written
    /// directly: through Codable it costs several times more. The encoder orders keys of printable ASCII by their
    /// bytes and others by rules of its own, so a value with any other key goes through the encoder.
    public var sortedText: [UInt8] {
        var text: [UInt8] = []
        text.reserveCapacity(256)
        do {
            try Self.write(self, into: &text)
            return text
        } catch {
            return (try? Self.encoder.encode(self)).map(Array.init) ?? []
        }
    }

    private struct KeyOutsidePrintableASCII: Error {}

    private static func write(_ value: JSONValue, into text: inout [UInt8]) throws {
        switch value {
        case .null: text += Array("null".utf8)
        case .bool(let flag): text += Array((flag ? "true" : "false").utf8)
        case .number(let number):
            // As `JSONValue` encodes numbers: whole ones below 9e15 as integers, anything else as a Double.
            if number.rounded() == number, abs(number) < 9.0e15 {
                text += Array(String(Int64(number)).utf8)
            } else {
                text += try encoder.encode(number)
            }
        case .string(let string): writeString(string, into: &text)
        case .array(let items):
            text.append(UInt8(ascii: "["))
            for (index, item) in items.enumerated() {
                if index > 0 { text.append(UInt8(ascii: ",")) }
                try write(item, into: &text)
            }
            text.append(UInt8(ascii: "]"))
        case .object(let fields):
            text.append(UInt8(ascii: "{"))
            guard fields.keys.allSatisfy({ $0.utf8.allSatisfy { (0x20...0x7E).contains($0) } }) else {
                throw KeyOutsidePrintableASCII()
            }
            for (index, key) in fields.keys.sorted(by: { $0.utf8.lexicographicallyPrecedes($1.utf8) }).enumerated() {
                if index > 0 { text.append(UInt8(ascii: ",")) }
                writeString(key, into: &text)
                text.append(UInt8(ascii: ":"))
                try write(fields[key]!, into: &text)
            }
            text.append(UInt8(ascii: "}"))
        }
    }

    private static func writeString(_ string: String, into text: inout [UInt8]) {
        text.append(UInt8(ascii: "\""))
        for byte in string.utf8 {
            switch byte {
            case UInt8(ascii: "\""): text += [UInt8(ascii: "\\"), UInt8(ascii: "\"")]
            case UInt8(ascii: "\\"): text += [UInt8(ascii: "\\"), UInt8(ascii: "\\")]
            case 0x08: text += [UInt8(ascii: "\\"), UInt8(ascii: "b")]
            case 0x0C: text += [UInt8(ascii: "\\"), UInt8(ascii: "f")]
            case 0x0A: text += [UInt8(ascii: "\\"), UInt8(ascii: "n")]
            case 0x0D: text += [UInt8(ascii: "\\"), UInt8(ascii: "r")]
            case 0x09: text += [UInt8(ascii: "\\"), UInt8(ascii: "t")]
            case 0..<0x20:
                let hex = Array("0123456789abcdef".utf8)
                text += Array("\\u00".utf8) + [hex[Int(byte >> 4)], hex[Int(byte & 0xF)]]
            default: text.append(byte)
            }
        }
        text.append(UInt8(ascii: "\""))
    }

    private static let encoder: JSONEncoder = {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return encoder
    }()
}
