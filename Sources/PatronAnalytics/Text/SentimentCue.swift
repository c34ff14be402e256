/// Words that change how the words after them count: negation, degree and contrast.
enum SentimentCue: Sendable, Hashable {
    /// Turns the rest of its clause around (不, 没有, not, never).
    case negator
    /// Strengthens the rest of its clause (非常, 太, very).
    case intensifier
    /// Weakens the rest of its clause (有点, 稍微, slightly).
    case diminisher
    /// What follows outweighs what came before (但是, 不过, but).
    case contrast
    /// Its own clause is outweighed by what follows (虽然, although).
    case concession
    /// Looks like a cue but is not one (不错 is praise, 不仅 is "not only"): matched first so that it is not read
    /// as one.
    case none

    /// The factor the rest of the clause is weighted by after a degree word.
    var degree: Double {
        switch self {
        case .intensifier: 1.5
        case .diminisher: 0.5
        default: 1
        }
    }

    static let words: [SentimentCue: [String]] = [
        .negator: [
            "不", "没", "没有", "不是", "并不", "并非", "从不", "从没", "从未", "绝不", "毫不", "毫无", "不太", "不怎么",
            "不够", "不大", "不再", "再也不", "未", "别", "勿", "莫", "无法", "不能", "不会", "不要",
            "not", "no", "never", "nothing", "nobody", "none", "nor", "neither", "without", "hardly", "barely",
            "cannot", "cant", "dont", "doesnt", "didnt", "isnt", "wasnt", "arent", "werent", "wont", "wouldnt",
            "couldnt", "shouldnt", "havent", "hasnt", "hadnt", "aint",
        ],
        .intensifier: [
            "非常", "很", "太", "特别", "超", "超级", "极", "极其", "极了", "十分", "相当", "真", "真的", "最", "挺", "蛮",
            "巨", "格外", "尤其", "实在", "非常非常", "太太",
            "very", "really", "so", "extremely", "too", "absolutely", "totally", "completely", "incredibly", "super",
            "highly", "most", "truly", "utterly", "especially", "exceptionally", "remarkably",
        ],
        .diminisher: [
            "有点", "有些", "有一点", "稍微", "稍", "略", "略微", "比较", "一点", "一点点",
            "slightly", "somewhat", "kinda", "sorta", "fairly", "rather", "bit", "marginally", "partly",
        ],
        .contrast: ["但是", "但", "可是", "不过", "然而", "只是", "却", "可惜", "but", "however"],
        .concession: ["虽然", "虽说", "尽管", "although", "despite"],
        .none: [
            "不错", "不得不", "不仅", "不但", "不管", "不论", "无论", "不断", "不久", "不少", "不同", "没事", "别人", "别的",
            "未来", "莫名", "不然", "要不", "差不多", "不一样", "莫过于", "超市", "最后", "最近", "最初", "真相", "很多",
            "no problem", "not only", "not just",
        ],
    ]

    /// Cue words by the hash of their units, with the longest cue length in units.
    static let table: (cues: [UInt64: SentimentCue], longest: Int) = {
        var cues: [UInt64: SentimentCue] = [:]
        var longest = 1
        for (cue, words) in words {
            for word in words {
                let text = SegmentedText(normalized: TextNormalizer.normalize(word))
                cues[FeatureHash.ngram(text.units[...], negated: false)] = cue
                longest = max(longest, text.units.count)
            }
        }
        return (cues, longest)
    }()

    /// The cue starting at unit `start`, longest first, with how many units it covers.
    static func match(in text: SegmentedText, at start: Int) -> (cue: SentimentCue, length: Int)? {
        let units = text.units
        let first = units[start]
        if first.kind == .word, isContraction(text.scalars[first.range]) { return (.negator, 1) }
        var length = min(table.longest, units.count - start)
        while length > 0 {
            let end = start + length
            if units[end - 1].run == first.run, units[end - 1].kind == first.kind,
                let cue = table.cues[FeatureHash.ngram(units[start..<end], negated: false)]
            {
                return (cue, length)
            }
            length -= 1
        }
        return nil
    }

    /// "don't", "isn't", "can't": a word ending in n't.
    private static func isContraction(_ word: ArraySlice<Unicode.Scalar>) -> Bool {
        guard word.count >= 4 else { return false }
        let tail = word.suffix(3)
        return tail.elementsEqual(["n", "'", "t"])
    }
}
