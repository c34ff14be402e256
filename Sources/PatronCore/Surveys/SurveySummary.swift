import Foundation

/// What a set of answers to one kind of question says: how many were asked and answered, the spread of answers,
/// and the headline figure with a 95% interval, so a change between two small groups is not read as news.
public struct SurveySummary: Sendable, Hashable {
    public var kind: SurveyKind
    public var invited: Int
    public var answered: Int
    /// Answers per value of the scale, lowest first.
    public var counts: [Int]

    public init(kind: SurveyKind, invited: Int, values: [Int]) {
        self.kind = kind
        self.invited = invited
        answered = values.count
        counts = kind.scale.map { value in values.count { $0 == value } }
    }

    /// Answered invitations over invitations sent; nil with none sent.
    public var responseRate: Double? { invited == 0 ? nil : Double(answered) / Double(invited) }

    public var mean: Double? {
        guard answered > 0 else { return nil }
        let total = zip(kind.scale, counts).reduce(0) { $0 + $1.0 * $1.1 }
        return Double(total) / Double(answered)
    }

    /// The values read as good: promoters (9–10), satisfied (4–5 of 5), easy (5–7 of 7).
    public var favourable: ClosedRange<Int> {
        switch kind {
        case .nps: 9...10
        case .csat: 4...5
        case .ces: 5...7
        }
    }

    /// The values read as bad: detractors (0–6), dissatisfied (1–2), hard (1–3).
    public var unfavourable: ClosedRange<Int> {
        switch kind {
        case .nps: 0...6
        case .csat: 1...2
        case .ces: 1...3
        }
    }

    public var favourableShare: Double? { share(favourable) }
    public var unfavourableShare: Double? { share(unfavourable) }
    /// Neither: passives (7–8), neutral (3), neutral (4).
    public var middleShare: Double? {
        guard let good = favourableShare, let bad = unfavourableShare else { return nil }
        return 1 - good - bad
    }

    /// The headline: NPS (promoters minus detractors, in points from -100 to 100) or the favourable share in
    /// percent (CSAT, CES).
    public var score: Double? {
        guard let good = favourableShare, let bad = unfavourableShare else { return nil }
        return (kind == .nps ? good - bad : good) * 100
    }

    /// A 95% interval for `score`. NPS: the normal approximation of a mean of +1, 0 and −1 answers (variance
    /// p + d − (p − d)²); the shares: Wilson's interval, which stays inside 0–100 for few answers.
    public var interval: ClosedRange<Double>? {
        guard answered > 0, let good = favourableShare, let bad = unfavourableShare else { return nil }
        let n = Double(answered)
        let z = 1.959_963_985
        if kind == .nps {
            let net = good - bad
            let half = z * ((good + bad - net * net) / n).squareRoot()
            return max(-100, (net - half) * 100)...min(100, (net + half) * 100)
        }
        let centre = (good + z * z / (2 * n)) / (1 + z * z / n)
        let half = z / (1 + z * z / n) * (good * (1 - good) / n + z * z / (4 * n * n)).squareRoot()
        return max(0, (centre - half) * 100)...min(100, (centre + half) * 100)
    }

    private func share(_ values: ClosedRange<Int>) -> Double? {
        guard answered > 0 else { return nil }
        let inside = zip(kind.scale, counts).reduce(0) { $0 + (values.contains($1.0) ? $1.1 : 0) }
        return Double(inside) / Double(answered)
    }
}
