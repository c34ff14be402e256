import PatronAnalytics
import PatronTestSupport
import Testing

@Suite("RFM")
struct RFMTests {
    static let allScores: [RFMScore] = (1...5).flatMap { r in
        (1...5).flatMap { f in (1...5).map { m in RFMScore(recency: r, frequency: f, monetary: m) } }
    }

    @Test("every one of the 125 scores matches exactly one rule of the table")
    func tableIsTotalAndUnique() {
        #expect(Self.allScores.count == 125)
        for score in Self.allScores {
            let matching = RFMSegmentTable.rules.filter { $0.matches(score) }
            #expect(matching.count == 1, "\(score) matches \(matching.count) rules")
            #expect(RFMSegmentTable.segment(for: score) == matching.first?.segment)
        }
    }

    @Test("every segment is reachable")
    func everySegmentReachable() {
        let reached = Set(Self.allScores.compactMap(RFMSegmentTable.segment(for:)))
        #expect(reached == Set(RFMSegment.allCases))
    }

    @Test("scores outside 1…5 have no segment")
    func outOfRange() {
        #expect(RFMSegmentTable.segment(for: RFMScore(recency: 0, frequency: 3, monetary: 3)) == nil)
        #expect(RFMSegmentTable.segment(for: RFMScore(recency: 3, frequency: 6, monetary: 6)) == nil)
    }

    @Test("segments make sense at the corners")
    func corners() {
        #expect(RFMSegmentTable.segment(for: RFMScore(recency: 5, frequency: 5, monetary: 5)) == .champions)
        #expect(RFMSegmentTable.segment(for: RFMScore(recency: 1, frequency: 1, monetary: 1)) == .lost)
        #expect(RFMSegmentTable.segment(for: RFMScore(recency: 5, frequency: 1, monetary: 1)) == .new)
        #expect(RFMSegmentTable.segment(for: RFMScore(recency: 1, frequency: 5, monetary: 5)) == .cannotLoseThem)
    }

    @Test("distinct values fall into equal quintiles")
    func quintilesOfDistinctValues() {
        let values = (0..<100).map(Double.init)
        let scores = RFMAnalysis.quintileScores(values, higherIsBetter: true)
        for score in 1...5 { #expect(scores.filter { $0 == score }.count == 20) }
        #expect(scores.first == 1 && scores.last == 5)
        let reversed = RFMAnalysis.quintileScores(values, higherIsBetter: false)
        #expect(reversed.first == 5 && reversed.last == 1)
    }

    @Test("property: equal values get equal scores, better values never score lower, order does not matter")
    func quintileProperties() {
        var generator = SeededGenerator(seed: 42)
        for _ in 0..<20 {
            let values = (0..<500).map { _ in Double(generator.nextInt(upperBound: 12)) }
            let scores = RFMAnalysis.quintileScores(values, higherIsBetter: true)
            #expect(scores.allSatisfy { (1...5).contains($0) })
            let pairs = (0..<200).map { _ in
                (generator.nextInt(upperBound: 500), generator.nextInt(upperBound: 500))
            }
            for (i, j) in pairs {
                if values[i] == values[j] { #expect(scores[i] == scores[j]) }
                if values[i] < values[j] { #expect(scores[i] <= scores[j]) }
            }
            let permutation = (0..<500).shuffled(using: &generator)
            let shuffledScores = RFMAnalysis.quintileScores(permutation.map { values[$0] }, higherIsBetter: true)
            #expect(permutation.map { scores[$0] } == shuffledScores)
        }
    }

    @Test("ties: a measure shared by most customers scores them all alike")
    func ties() {
        // 60 customers with one order, 40 with more: the 60 score 1, the rest start at 1 + ⌊5·60/100⌋ = 4.
        let values = Array(repeating: 1.0, count: 60) + (0..<40).map { 2 + Double($0 / 20) }
        let scores = RFMAnalysis.quintileScores(values, higherIsBetter: true)
        #expect(Set(scores[0..<60]) == [1])
        #expect(Set(scores[60..<80]) == [4])
        #expect(Set(scores[80..<100]) == [5])
    }

    @Test("property: a quintile scale scores every value as the whole base's scores do, with the measure reversed")
    func quintileScaleMatchesTheBase() {
        var generator = SeededGenerator(seed: 7)
        for size in [1, 2, 5, 99, 1000] {
            let values = (0..<size).map { _ in Int64(generator.nextInt(upperBound: 40)) - 20 }
            let scale = QuintileScale(values)
            #expect(scale.count == size)
            #expect(
                values.map(scale.score(of:))
                    == RFMAnalysis.quintileScores(values.map(Double.init), higherIsBetter: true))
            // Recency: fewer days is better, which is the same as a later last day.
            let days = values.map { 100 - $0 }
            #expect(
                values.map(scale.score(of:))
                    == RFMAnalysis.quintileScores(days.map(Double.init), higherIsBetter: false))
        }
        #expect(QuintileScale([]).score(of: 3) == 1)
        // A value beyond the whole base scores as its best does.
        #expect(QuintileScale([1, 2, 3, 4, 5]).score(of: 100) == 5)
        #expect(QuintileScale([1, 2, 3, 4, 5]).score(of: -100) == 1)
    }

    @Test("property: a scale's boundaries score every value, inside the base or beyond it, as the scale does")
    func boundariesScoreAsTheScale() {
        var generator = SeededGenerator(seed: 11)
        for size in [0, 1, 2, 3, 7, 100, 1000] {
            let spread = Int64(1 + generator.nextInt(upperBound: 60))
            let values = (0..<size).map { _ in Int64(generator.nextInt(upperBound: Int(spread))) - spread / 2 }
            let scale = QuintileScale(values)
            let boundaries = scale.boundaries
            for value in (-spread - 2)...(spread + 2) {
                #expect(boundaries.score(of: value) == scale.score(of: value), "size \(size), value \(value)")
            }
        }
        // Every customer alike: they all score 5, anyone below 1.
        #expect(QuintileScale([4, 4, 4]).boundaries.score(of: 4) == 5)
        #expect(QuintileScale([4, 4, 4]).boundaries.score(of: 3) == 1)
    }

    @Test("measures from transactions at a reference date")
    func measures() throws {
        let transactions = try TransactionFile.read(
            text: """
                customer_id,date,amount
                a,2024-01-01,10
                a,2024-01-01,5
                a,2024-02-01,20
                b,2024-01-15,7
                b,2024-06-01,100
                """)
        let reference = try #require(CalendarDate(parsing: "2024-03-01"))
        let measures = RFMAnalysis.measures(from: transactions, referenceDate: reference)
        #expect(
            measures == [
                RFMMeasures(customerID: "a", recencyDays: 29, frequency: 2, monetary: 35),
                RFMMeasures(customerID: "b", recencyDays: 46, frequency: 1, monetary: 7),
            ])
        let results = RFMAnalysis.analyze(measures)
        // a is better than b on every measure: the best of two scores 5, the worst 1.
        #expect(results[0].score == RFMScore(recency: 5, frequency: 5, monetary: 5))
        #expect(results[1].score == RFMScore(recency: 1, frequency: 1, monetary: 1))
        #expect(results[1].segment == .lost)
    }

    /// Speed is measured in bench/rfm; here a large random base only has to reach every segment.
    @Test func aLargeRandomBaseReachesEverySegment() {
        var generator = SeededGenerator(seed: 5)
        let measures = (0..<100_000).map { index in
            RFMMeasures(
                customerID: String(index), recencyDays: generator.nextInt(upperBound: 730),
                frequency: 1 + generator.nextInt(upperBound: 30),
                monetary: Double(generator.nextInt(upperBound: 100_000)))
        }
        let results = RFMAnalysis.analyze(measures)
        #expect(results.count == 100_000)
        #expect(Set(results.map(\.segment)).count == RFMSegment.allCases.count)
    }
}

@Suite("Lifecycle stages")
struct LifecycleStageTests {
    @Test("stages follow the default thresholds in order")
    func defaults() {
        #expect(LifecycleStage.classify(daysSinceFirstOrder: 10, daysSinceLastOrder: 10) == .new)
        #expect(
            LifecycleStage.classify(daysSinceFirstOrder: 10, daysSinceLastOrder: 10, probabilityAlive: 0.01) == .new)
        #expect(LifecycleStage.classify(daysSinceFirstOrder: 400, daysSinceLastOrder: 20) == .active)
        #expect(LifecycleStage.classify(daysSinceFirstOrder: 400, daysSinceLastOrder: 100) == .dormant)
        #expect(LifecycleStage.classify(daysSinceFirstOrder: 400, daysSinceLastOrder: 200) == .atRisk)
        #expect(LifecycleStage.classify(daysSinceFirstOrder: 400, daysSinceLastOrder: 380) == .churned)
        #expect(
            LifecycleStage.classify(daysSinceFirstOrder: 400, daysSinceLastOrder: 20, probabilityAlive: 0.4) == .atRisk)
        #expect(
            LifecycleStage.classify(daysSinceFirstOrder: 400, daysSinceLastOrder: 20, probabilityAlive: 0.1) == .churned
        )
    }

    @Test("thresholds are configurable")
    func custom() {
        let weekly = LifecycleThresholds(
            newCustomerDays: 7, dormantAfterDays: 14, atRiskAfterDays: 28, churnedAfterDays: 56,
            atRiskBelowProbabilityAlive: 0.6, churnedBelowProbabilityAlive: 0.3)
        #expect(
            LifecycleStage.classify(daysSinceFirstOrder: 20, daysSinceLastOrder: 20, thresholds: weekly) == .dormant)
        #expect(
            LifecycleStage.classify(daysSinceFirstOrder: 90, daysSinceLastOrder: 60, thresholds: weekly) == .churned)
        #expect(
            LifecycleStage.classify(
                daysSinceFirstOrder: 90, daysSinceLastOrder: 3, probabilityAlive: 0.5, thresholds: weekly) == .atRisk)
    }

    @Test("property: staying away longer never moves a customer to a healthier stage")
    func monotoneInRecency() {
        let order: [LifecycleStage] = [.new, .active, .dormant, .atRisk, .churned]
        var previous = 1
        for days in 0...500 {
            let stage = LifecycleStage.classify(daysSinceFirstOrder: 600, daysSinceLastOrder: days)
            let rank = order.firstIndex(of: stage) ?? 0
            #expect(rank >= previous)
            previous = rank
        }
    }
}
