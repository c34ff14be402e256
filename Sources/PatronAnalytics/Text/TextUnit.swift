/// One unit of text the models count: a Chinese character, a word of an alphabetic script (digits included), an
/// emoji, or a mark that ends a clause.
struct TextUnit: Sendable, Hashable {
    enum Kind: Sendable, Hashable {
        case han
        case word
        case emoji
        /// Sentence punctuation: "！" and "？" carry feeling, and character n-grams run across it ("好！").
        case mark

        /// Whether n-grams of characters (not of words) continue from a unit of this kind.
        var joinsCharacters: Bool { self == .han || self == .mark }
    }

    var kind: Kind
    /// Where the unit is in the normalised scalars.
    var range: Range<Int>
    /// The unit's own hash, from which n-gram hashes are combined.
    var hash: UInt64
    /// Units of one run are adjacent: nothing but a space between words stands between them.
    var run: Int
    /// Clauses end at sentence punctuation, line breaks and a space after a Chinese character.
    var clause: Int

    /// Whether this unit can follow `first` in one n-gram: characters with characters (marks included), words
    /// with words, in one run.
    func continuesNGram(of first: TextUnit) -> Bool {
        run == first.run && (kind == first.kind || (kind.joinsCharacters && first.kind.joinsCharacters))
    }
}

/// Text cut into units, runs and clauses.
struct SegmentedText: Sendable {
    var scalars: [Unicode.Scalar]
    var units: [TextUnit]

    init(normalized scalars: [Unicode.Scalar]) {
        self.scalars = scalars
        var run = 0
        var clause = 0
        var index = 0
        var units: [TextUnit] = []
        units.reserveCapacity(scalars.count)
        func add(_ kind: TextUnit.Kind, _ range: Range<Int>) {
            units.append(
                TextUnit(kind: kind, range: range, hash: FeatureHash.unit(scalars[range]), run: run, clause: clause))
        }
        while index < scalars.count {
            let scalar = scalars[index]
            if Self.isHan(scalar) {
                add(.han, index..<index + 1)
                index += 1
            } else if Self.isWordCharacter(scalar) {
                var end = index + 1
                while end < scalars.count {
                    if Self.isWordCharacter(scalars[end]) {
                        end += 1
                    } else if scalars[end] == "'", end + 1 < scalars.count, Self.isWordCharacter(scalars[end + 1]) {
                        end += 2
                    } else {
                        break
                    }
                }
                add(.word, index..<end)
                index = end
            } else if Self.isEmoji(scalar) {
                add(.emoji, index..<index + 1)
                run += 1
                index += 1
            } else if Self.endsClause(scalar) {
                add(.mark, index..<index + 1)
                clause += 1
                index += 1
            } else {
                if scalar == " " && units.last?.kind == .han { clause += 1 }
                // A space between words keeps them in one run, so that "not bad" is a bigram.
                if !(scalar == " " && units.last?.kind == .word) { run += 1 }
                index += 1
            }
        }
        self.units = units
    }

    /// The text of units `range` as it was written (normalised).
    func phrase(_ range: Range<Int>) -> String {
        var text = String.UnicodeScalarView()
        for position in range {
            let unit = units[position]
            if position > range.lowerBound, unit.kind == .word, units[position - 1].kind == .word {
                text.append(" ")
            }
            text.append(contentsOf: scalars[unit.range])
        }
        return String(text)
    }

    static func isHan(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.value {
        case 0x4E00...0x9FFF, 0x3400...0x4DBF, 0xF900...0xFAFF, 0x20000...0x2FA1F: true
        default: false
        }
    }

    static func isWordCharacter(_ scalar: Unicode.Scalar) -> Bool {
        if scalar.isASCII { return (scalar >= "a" && scalar <= "z") || (scalar >= "0" && scalar <= "9") }
        return scalar.properties.isAlphabetic && !isHan(scalar) && scalar.value < 0x2E80
    }

    static func isEmoji(_ scalar: Unicode.Scalar) -> Bool {
        scalar.value >= 0x2190 && scalar.properties.isEmoji && scalar.value != 0xFE0F && scalar.value != 0x200D
            && !(0x1F3FB...0x1F3FF).contains(scalar.value)
    }

    static func endsClause(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar {
        case ",", ".", "!", "?", ";", ":", "\n", "\r", "~", "。", "，", "、", "；", "：", "！", "？", "…", "～":
            true
        default:
            false
        }
    }
}
