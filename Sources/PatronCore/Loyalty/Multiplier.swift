/// An earning multiplier such as ×1.5, kept in thousandths so points stay integer arithmetic.
public struct Multiplier: Sendable, Hashable, Comparable, Codable, CustomStringConvertible {
    public var thousandths: Int64

    public init(thousandths: Int64) {
        self.thousandths = thousandths
    }

    public static let one = Multiplier(thousandths: 1000)

    /// `points × multiplier`, rounded down.
    public func applied(to points: Int64) -> Int64 { points * thousandths / 1000 }

    /// The points a multiplier adds on top of `points`: `points × (multiplier − 1)`, rounded down.
    public func extra(on points: Int64) -> Int64 { points * (thousandths - 1000) / 1000 }

    public var description: String {
        let whole = thousandths / 1000
        var fraction = String(thousandths % 1000)
        while fraction.count < 3 { fraction = "0" + fraction }
        while fraction.hasSuffix("0") { fraction.removeLast() }
        return fraction.isEmpty ? "×\(whole)" : "×\(whole).\(fraction)"
    }

    public static func < (lhs: Multiplier, rhs: Multiplier) -> Bool { lhs.thousandths < rhs.thousandths }

    /// Read from and written as a JSON number such as 1.5 (at most three decimals count).
    public init(from decoder: any Decoder) throws {
        let value = try decoder.singleValueContainer().decode(Double.self)
        guard value.isFinite, value >= 0, value <= 100 else {
            throw DecodingError.dataCorrupted(
                .init(codingPath: decoder.codingPath, debugDescription: "must be a number from 0 to 100"))
        }
        self.thousandths = Int64((value * 1000).rounded())
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(Double(thousandths) / 1000)
    }
}

/// A name in Chinese and English.
public struct LocalizedName: Sendable, Hashable, Codable {
    public var zh: String
    public var en: String

    public init(zh: String, en: String) {
        self.zh = zh
        self.en = en
    }
}
