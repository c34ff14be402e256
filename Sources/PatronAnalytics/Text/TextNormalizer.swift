/// Brings feedback text to the one form the text models read: Simplified Chinese, half-width ASCII, lower case,
/// and a run of the same punctuation mark ("！！！", "...") as one mark.
public enum TextNormalizer {
    /// The normalised text as Unicode scalars.
    public static func normalize(_ text: String) -> [Unicode.Scalar] {
        var scalars: [Unicode.Scalar] = []
        scalars.reserveCapacity(text.utf8.count / 2 + 4)
        for original in text.unicodeScalars {
            let scalar = fold(original)
            if let last = scalars.last, last == scalar, isCollapsible(scalar) { continue }
            scalars.append(scalar)
        }
        return scalars
    }

    /// One character in its normal form.
    static func fold(_ scalar: Unicode.Scalar) -> Unicode.Scalar {
        switch scalar.value {
        case 0x41...0x5A:
            return Unicode.Scalar(scalar.value + 0x20)!
        case 0xFF01...0xFF5E:
            // Full-width forms (！，ＡＢＣ) are the same characters as their ASCII ones.
            let ascii = Unicode.Scalar(scalar.value - 0xFEE0)!
            return fold(ascii)
        case 0x3000:
            return " "
        case 0x2018, 0x2019:
            return "'"
        case 0x4E00...0x9FFF, 0x3400...0x4DBF, 0xF900...0xFAFF, 0x20000...0x2FA1F:
            return SimplifiedChinese.table[scalar.value] ?? scalar
        default:
            return scalar
        }
    }

    private static func isCollapsible(_ scalar: Unicode.Scalar) -> Bool {
        scalar.properties.generalCategory.isPunctuation || scalar == " " || scalar == "\n" || scalar == "~"
    }
}

extension Unicode.GeneralCategory {
    var isPunctuation: Bool {
        switch self {
        case .connectorPunctuation, .dashPunctuation, .openPunctuation, .closePunctuation, .initialPunctuation,
            .finalPunctuation, .otherPunctuation:
            true
        default:
            false
        }
    }
}
