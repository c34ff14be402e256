#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif

/// Field access on the current record of a ``CSVReader`` straight from its bytes, so large files are read without
/// a string per field. Errors carry the record's line.
extension CSVReader {
    /// The number of fields in the current record.
    public var fieldCount: Int { fieldEnds.count }

    /// The field at `index` of the current record as text, unchanged.
    public func fieldText(_ index: Int) -> String {
        withFieldBytes(index, trimmed: false) { String(decoding: $0, as: UTF8.self) }
    }

    /// Calls `body` with the bytes of the field at `index`, without surrounding spaces and tabs when `trimmed`.
    func withFieldBytes<Result>(
        _ index: Int, trimmed: Bool, _ body: (UnsafeBufferPointer<UInt8>) -> Result
    ) -> Result {
        var start = fieldStarts[index]
        var end = fieldEnds[index]
        let read = { (bytes: UnsafeBufferPointer<UInt8>) -> Result in
            if trimmed {
                while start < end, bytes[start] == 0x20 || bytes[start] == 0x09 { start += 1 }
                while end > start, bytes[end - 1] == 0x20 || bytes[end - 1] == 0x09 { end -= 1 }
            }
            return body(UnsafeBufferPointer(rebasing: bytes[start..<end]))
        }
        return recordIsInBuffer ? buffer.withUnsafeBufferPointer(read) : recordBytes.withUnsafeBufferPointer(read)
    }

    /// Throws ``InputError/missingField(column:line:)`` when the current record has no field at `index`.
    func requireField(_ index: Int, column: String) throws(InputError) {
        guard index < fieldEnds.count else { throw .missingField(column: column, line: recordLine) }
    }

    /// The field at `index` without surrounding spaces and tabs.
    func trimmedText(_ index: Int, column: String) throws(InputError) -> String {
        try requireField(index, column: column)
        return withFieldBytes(index, trimmed: true) { String(decoding: $0, as: UTF8.self) }
    }

    /// The field at `index` without surrounding spaces and tabs, which must not be empty: a customer identifier.
    func customerID(_ index: Int, column: String) throws(InputError) -> String {
        let text = try trimmedText(index, column: column)
        guard !text.isEmpty else { throw .emptyCustomerID(column: column, line: recordLine) }
        return text
    }

    /// The field at `index` parsed as a finite number that is not negative.
    func amount(_ index: Int, column: String) throws(InputError) -> Double {
        let value = try number(index, column: column)
        // −0 is zero, not a return.
        guard value >= 0 else { throw .negativeAmount(value: fieldText(index), column: column, line: recordLine) }
        return value
    }

    /// The field at `index` parsed as a finite number (surrounding spaces and tabs are ignored).
    func number(_ index: Int, column: String) throws(InputError) -> Double {
        try requireField(index, column: column)
        guard let value = withFieldBytes(index, trimmed: true, DecimalText.parse), value.isFinite else {
            throw .invalidNumber(value: fieldText(index), column: column, line: recordLine)
        }
        return value
    }

    /// The field at `index` parsed as a date (see ``CalendarDate/init(parsing:)``).
    func date(_ index: Int, column: String) throws(InputError) -> CalendarDate {
        try requireField(index, column: column)
        guard let date = withFieldBytes(index, trimmed: true, CalendarDate.init(trimmedUTF8:)) else {
            throw .invalidDate(value: fieldText(index), column: column, line: recordLine)
        }
        return date
    }
}

/// Parses numbers written in decimal, the way `Double(String)` does but without making a string in the common case.
enum DecimalText {
    /// Powers of ten that are exact in a `Double`.
    private static let exactPowersOfTen: [Double] = (0...22).map { exponent in
        (0..<exponent).reduce(1.0) { value, _ in value * 10 }
    }

    /// 10⁰ … 10¹⁹, the powers of ten that fit in 64 bits.
    private static let integerPowersOfTen: [UInt64] = (0...19).map { exponent in
        (0..<exponent).reduce(1) { value, _ in value * 10 }
    }

    /// The value of `bytes`, or nil when they are not a number; the same result as `Double(String)`.
    ///
    /// Plain decimals (`-12.375`) with at most 19 digits are converted here, correctly rounded: those whose digits
    /// fit in 53 bits by one division by an exact power of ten (Clinger's fast path), the others by integer
    /// division. Anything else (exponents, more digits, signs other than a leading minus, `inf`, hexadecimal) is
    /// left to `Double(String)`.
    static func parse(_ bytes: UnsafeBufferPointer<UInt8>) -> Double? {
        var index = 0
        let count = bytes.count
        let negative = count > 0 && bytes[0] == 0x2D
        if negative { index = 1 }
        var mantissa: UInt64 = 0
        var digits = 0
        var fractionDigits = 0
        var seenPoint = false
        var plain = index < count
        while index < count {
            let byte = bytes[index]
            if byte >= 0x30, byte <= 0x39 {
                if digits < 19 { mantissa = mantissa &* 10 &+ UInt64(byte &- 0x30) }
                digits += 1
                if seenPoint { fractionDigits += 1 }
            } else if byte == 0x2E, !seenPoint {
                seenPoint = true
            } else {
                plain = false
                break
            }
            index += 1
        }
        // A plain decimal has digits before the point and, when there is a point, after it.
        if plain, digits == 0 || (seenPoint && (fractionDigits == 0 || fractionDigits == digits)) { plain = false }
        guard plain, digits <= 19 else { return Double(String(decoding: bytes, as: UTF8.self)) }
        let magnitude: Double
        if fractionDigits == 0 || mantissa == 0 {
            magnitude = Double(mantissa)
        } else if mantissa <= 1 << 53 {
            magnitude = Double(mantissa) / exactPowersOfTen[fractionDigits]
        } else {
            magnitude = quotient(mantissa, integerPowersOfTen[fractionDigits])
        }
        return negative ? -magnitude : magnitude
    }

    /// numerator ÷ divisor rounded to the nearest `Double` (ties to even), for a positive numerator and a divisor
    /// above 1.
    ///
    /// The numerator is shifted left so the 128-by-64-bit quotient has 63 or 64 bits; those are rounded to 53 with
    /// the remainder as the sticky bit, and the shift is undone exactly by the binary exponent.
    static func quotient(_ numerator: UInt64, _ divisor: UInt64) -> Double {
        let numeratorBits = UInt64.bitWidth - numerator.leadingZeroBitCount
        let divisorBits = UInt64.bitWidth - divisor.leadingZeroBitCount
        // numerator·2^shift ÷ divisor lies in (2⁶², 2⁶⁴), so the quotient fits in 64 bits.
        let shift = 63 - numeratorBits + divisorBits
        let high = shift >= 64 ? numerator << (shift - 64) : (shift == 0 ? 0 : numerator >> (64 - shift))
        let low = shift >= 64 ? 0 : numerator << shift
        let (quotient, remainder) = divisor.dividingFullWidth((high: high, low: low))
        var dropped = (UInt64.bitWidth - quotient.leadingZeroBitCount) - 53
        var significand = quotient >> dropped
        let rest = quotient & ((1 << dropped) - 1)
        let half: UInt64 = 1 << (dropped - 1)
        if rest > half || (rest == half && (remainder != 0 || significand & 1 == 1)) {
            significand += 1
            if significand == 1 << 53 {
                significand >>= 1
                dropped += 1
            }
        }
        return Double(sign: .plus, exponent: dropped - shift, significand: Double(significand))
    }
}
