/// Words that make feedback urgent whatever its rating — food safety, injury, fraud, legal threats — grouped by
/// topic, in Chinese and English. Part of the program, so a shop adds its own.
public struct UrgentTerms: Sendable, Hashable {
    public struct Topic: Sendable, Hashable, Codable {
        public var topic: String
        public var terms: [String]

        public init(topic: String, terms: [String]) {
            self.topic = topic
            self.terms = terms
        }
    }

    public var topics: [Topic]

    public init(topics: [Topic]) {
        self.topics = topics
    }

    public static let standard = UrgentTerms(topics: [
        Topic(
            topic: "food_safety",
            terms: [
                "food poisoning", "undercooked", "raw chicken", "mould", "mold", "foreign object", "cockroach",
                "vomiting", "diarrhea", "diarrhoea", "食物中毒", "变质", "发霉", "异物", "蟑螂", "拉肚子", "呕吐", "没熟",
            ]),
        Topic(
            topic: "injury",
            terms: [
                "injury", "injured", "burned", "burnt", "bleeding", "allergic reaction", "hospital", "ambulance",
                "受伤", "烫伤", "割伤", "流血", "过敏", "医院", "救护车",
            ]),
        Topic(
            topic: "fraud",
            terms: [
                "fraud", "scam", "stolen", "unauthorized charge", "unauthorised charge", "charged twice",
                "诈骗", "欺诈", "盗刷", "被骗", "重复扣款",
            ]),
        Topic(
            topic: "legal",
            terms: [
                "lawyer", "lawsuit", "sue", "legal action", "court", "consumer association",
                "律师", "起诉", "法院", "消协", "消费者协会", "12315",
            ]),
    ])

    /// The topics whose terms occur in `text`, each once, in the order they are listed. Case does not matter; a
    /// term in Latin letters must stand as a whole word (`sue` is not found in `issue`), one in Chinese anywhere,
    /// as Chinese writes no spaces between words.
    public func topics(in text: String) -> [String] {
        let haystack = Array(text.lowercased().unicodeScalars)
        return topics.filter { topic in
            topic.terms.contains { Self.occurs(Array($0.lowercased().unicodeScalars), in: haystack) }
        }.map(\.topic)
    }

    static func occurs(_ needle: [Unicode.Scalar], in haystack: [Unicode.Scalar]) -> Bool {
        guard let first = needle.first, let last = needle.last, needle.count <= haystack.count else { return false }
        for start in 0...(haystack.count - needle.count)
        where haystack[start..<start + needle.count].elementsEqual(needle) {
            let end = start + needle.count
            let opens = first.properties.isIdeographic || start == 0 || !isSpacedWord(haystack[start - 1])
            let closes = last.properties.isIdeographic || end == haystack.count || !isSpacedWord(haystack[end])
            if opens && closes { return true }
        }
        return false
    }

    /// A letter or digit of a script that puts spaces between words (not a Chinese character).
    static func isSpacedWord(_ scalar: Unicode.Scalar) -> Bool {
        (scalar.properties.isAlphabetic || scalar.properties.numericType != nil) && !scalar.properties.isIdeographic
    }

    func problems(at pointer: String) -> [FieldError] {
        var problems: [FieldError] = []
        if topics.count > 50 { problems.append(FieldError(pointer: pointer, detail: "must hold at most 50 topics")) }
        for (index, topic) in topics.enumerated() {
            let at = "\(pointer)/\(index)"
            if topic.topic.trimmingWhitespace().isEmpty {
                problems.append(FieldError(pointer: "\(at)/topic", detail: "must not be blank"))
            }
            if topic.terms.isEmpty || topic.terms.count > 200 {
                problems.append(FieldError(pointer: "\(at)/terms", detail: "must hold 1 to 200 terms"))
            }
            if topic.terms.contains(where: { $0.trimmingWhitespace().isEmpty }) {
                problems.append(FieldError(pointer: "\(at)/terms", detail: "must not hold a blank term"))
            }
            if topics[..<index].contains(where: { $0.topic == topic.topic }) {
                problems.append(FieldError(pointer: "\(at)/topic", detail: "is used twice"))
            }
        }
        return problems
    }
}
