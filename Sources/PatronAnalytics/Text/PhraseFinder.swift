/// Finds the phrases many texts share — new words included, with no dictionary — by counting the Chinese
/// character 2–4-grams and English word pairs of each clause, keeping those in enough texts, and dropping a
/// phrase that is mostly part of a longer one (闪送 inside 闪送员 when nearly every text has the longer).
enum PhraseFinder {
    struct Phrase: Sendable, Hashable {
        var text: String
        var scalars: [Unicode.Scalar]
        var texts: Int
    }

    /// A shorter phrase found in at least this share of its longer phrase's texts is that phrase's part.
    static let containedShare = 0.8
    /// Characters that do not begin or end a phrase of their own: particles, pronouns, degree and negation
    /// words ("很好吃的" is 好吃).
    static let edgeCharacters: Set<Unicode.Scalar> = Set(
        "的了是很也都就还和与及或而又把被给让着过吗呢吧啊呀哦嗯个这那我你他她它在有太非更最好不没".unicodeScalars)
    /// Common words of any Chinese text: found everywhere, they name no topic.
    static let commonWords: Set<String> = [
        "可以", "比较", "感觉", "觉得", "还是", "就是", "一个", "什么", "没有", "但是", "因为", "所以", "如果", "这个",
        "那个", "自己", "我们", "他们", "时候", "而且", "不过", "非常", "真的", "其实", "已经", "知道", "一下", "一直",
        "下次", "一点", "还有", "只是", "然后", "大家", "这样", "那么", "怎么", "为什么", "一样", "一些", "应该", "可能",
        "不是", "以后", "以前", "现在", "今天", "东西", "地方", "问题", "总体", "总的来说", "而言", "不错",
    ]
    static let stopWords: Set<String> = [
        "the", "a", "an", "and", "or", "but", "is", "was", "are", "were", "be", "to", "of", "in", "on", "at", "for",
        "it", "this", "that", "i", "we", "you", "my", "our", "with", "so", "very", "not", "no",
    ]

    static func phrases(in texts: [[Unicode.Scalar]], minimumTexts: Int, limit: Int) -> [Phrase] {
        var counts: [String: (scalars: [Unicode.Scalar], texts: Int)] = [:]
        for scalars in texts {
            var seen = Set<String>()
            let text = SegmentedText(normalized: scalars)
            for candidate in candidates(text) where seen.insert(candidate.text).inserted {
                counts[candidate.text, default: (candidate.scalars, 0)].texts += 1
            }
        }
        let frequent = counts.filter { $0.value.texts >= max(minimumTexts, 1) && !commonWords.contains($0.key) }
            .map { Phrase(text: $0.key, scalars: $0.value.scalars, texts: $0.value.texts) }
        let kept = frequent.filter { phrase in
            !frequent.contains { longer in
                longer.scalars.count > phrase.scalars.count && longer.text.contains(phrase.text)
                    && Double(longer.texts) >= containedShare * Double(phrase.texts)
            }
        }
        return kept.sorted { ($0.texts, $0.scalars.count, $1.text) > ($1.texts, $1.scalars.count, $0.text) }
            .prefix(limit).map { $0 }
    }

    private static func candidates(_ text: SegmentedText) -> [(text: String, scalars: [Unicode.Scalar])] {
        let units = text.units
        var found: [(String, [Unicode.Scalar])] = []
        for start in units.indices {
            let first = units[start]
            switch first.kind {
            case .han:
                guard !edgeCharacters.contains(text.scalars[first.range.lowerBound]) else { continue }
                var end = start + 1
                while end < units.count, end - start < 4, units[end].kind == .han, units[end].run == first.run,
                    units[end].clause == first.clause
                {
                    end += 1
                    let last = text.scalars[units[end - 1].range.lowerBound]
                    if edgeCharacters.contains(last) { continue }
                    let scalars = Array(text.scalars[first.range.lowerBound..<units[end - 1].range.upperBound])
                    found.append((String(String.UnicodeScalarView(scalars)), scalars))
                }
            case .word:
                let next = start + 1
                guard next < units.count, units[next].kind == .word, units[next].run == first.run else { continue }
                let words = [first, units[next]].map { String(String.UnicodeScalarView(text.scalars[$0.range])) }
                guard !words.contains(where: stopWords.contains), words.allSatisfy({ $0.count > 1 }) else { continue }
                let phrase = words.joined(separator: " ")
                found.append((phrase, Array(phrase.unicodeScalars)))
            case .emoji, .mark:
                continue
            }
        }
        return found
    }
}
