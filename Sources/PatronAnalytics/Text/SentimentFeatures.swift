/// The features of one text for the sentiment model: character 1–3-grams of Chinese, word 1–2-grams of
/// alphabetic scripts and single emoji, each weighted by the cues around it. A feature counts once however often
/// it occurs: a long complaint is not more negative for repeating a word.
///
/// A feature inside a negated clause is a different feature ("¬满意"), so the model learns what negation does to
/// each word instead of flipping signs by rule. Degree words scale the rest of their clause; a contrast ("但是",
/// "but") halves what came before it and weighs what follows one and a half times, as people read it.
struct SentimentFeatures: Sendable {
    struct Feature: Sendable, Hashable {
        var hash: UInt64
        var value: Double
        /// The units the feature covers.
        var units: Range<Int>
        /// Where the phrase that explains the feature starts: its negation word when it is negated.
        var phraseStart: Int
        var negated: Bool
    }

    static let contrastBefore = 0.5
    static let contrastAfter = 1.5

    let text: SegmentedText
    private(set) var features: [Feature] = []

    init(_ raw: String) {
        self.init(SegmentedText(normalized: TextNormalizer.normalize(raw)))
    }

    init(_ text: SegmentedText) {
        self.text = text
        let units = text.units
        guard !units.isEmpty else { return }
        // Per unit: the negation word whose scope it is in (nil when none), and its weight.
        var negatedBy = [Int?](repeating: nil, count: units.count)
        var weight = [Double](repeating: 1, count: units.count)
        var contrastAt: Int?
        var concessionClause: Int?
        var negation: Int?
        var degree = 1.0
        var position = 0
        while position < units.count {
            if position > 0, units[position].clause != units[position - 1].clause {
                negation = nil
                degree = 1
            }
            guard let (cue, length) = SentimentCue.match(in: text, at: position) else {
                negatedBy[position] = negation
                weight[position] = degree
                position += 1
                continue
            }
            for covered in position..<position + length {
                negatedBy[covered] = negation
                weight[covered] = degree
            }
            switch cue {
            case .negator: negation = negation == nil ? position : nil
            case .intensifier, .diminisher: degree *= cue.degree
            case .contrast: contrastAt = position + length
            case .concession: concessionClause = units[position].clause
            case .none: break
            }
            position += length
        }
        if contrastAt == nil, let clause = concessionClause {
            contrastAt = units.firstIndex { $0.clause > clause }
        }
        if let boundary = contrastAt {
            for position in units.indices {
                weight[position] *= position < boundary ? Self.contrastBefore : Self.contrastAfter
            }
        }

        features.reserveCapacity(units.count * 3)
        // Where each feature already is, so that a repeated one counts once, at its strongest.
        var seen: [UInt64: Int] = [:]
        seen.reserveCapacity(units.count * 3)
        for start in units.indices {
            let first = units[start]
            let longest = first.kind.joinsCharacters ? 3 : first.kind == .word ? 2 : 1
            var end = start + 1
            while end - start <= longest {
                let negator = negatedBy[start]
                let feature = Feature(
                    hash: FeatureHash.ngram(units[start..<end], negated: negator != nil), value: weight[start],
                    units: start..<end, phraseStart: negator ?? start, negated: negator != nil)
                if let earlier = seen[feature.hash] {
                    if feature.value > features[earlier].value { features[earlier] = feature }
                } else {
                    seen[feature.hash] = features.count
                    features.append(feature)
                }
                guard end < units.count, units[end].continuesNGram(of: first) else { break }
                end += 1
            }
        }
    }

    /// The key that names a feature in a model file: its units' text, after "¬" when negated.
    func key(_ feature: Feature) -> String {
        (feature.negated ? SentimentModel.negationMark : "") + text.phrase(feature.units)
    }

    /// The words a reader sees as the reason for a feature, negation included.
    func phrase(_ feature: Feature) -> String {
        text.phrase(feature.phraseStart..<feature.units.upperBound)
    }
}
