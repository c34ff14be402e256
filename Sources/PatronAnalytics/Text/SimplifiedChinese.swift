/// Traditional Chinese characters mapped to their Simplified forms, so that one model reads both scripts.
enum SimplifiedChinese {
    /// The Simplified form of each Traditional character that has a different one.
    static let table: [UInt32: Unicode.Scalar] = {
        var table: [UInt32: Unicode.Scalar] = [:]
        var traditional: Unicode.Scalar?
        for scalar in pairs.unicodeScalars where scalar != "\n" {
            if let first = traditional {
                table[first.value] = scalar
                traditional = nil
            } else {
                traditional = scalar
            }
        }
        return table
    }()
}
