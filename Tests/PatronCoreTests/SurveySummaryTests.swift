import PatronCore
import Testing

/// The figures a survey report shows, checked against values worked by hand.
@Suite struct SurveySummaryTests {
    @Test func satisfactionSharesUseWilsonsInterval() throws {
        // 8 of 10 satisfied: Wilson's 95% score interval, worked by hand, is 49.02% to 94.33%.
        let summary = SurveySummary(kind: .csat, invited: 20, values: [5, 5, 5, 4, 4, 4, 4, 4, 3, 1])
        #expect(summary.responseRate == 0.5 && summary.answered == 10)
        #expect(summary.counts == [1, 0, 1, 5, 3])
        #expect(summary.score == 80 && summary.favourableShare == 0.8 && summary.unfavourableShare == 0.1)
        let interval = try #require(summary.interval)
        #expect(abs(interval.lowerBound - 49.02) < 0.01 && abs(interval.upperBound - 94.33) < 0.01, "\(interval)")
        #expect(try #require(summary.mean) == 3.9)
    }

    @Test func npsIsPromotersMinusDetractorsWithinMinusAndPlusAHundred() throws {
        let allPromoters = SurveySummary(kind: .nps, invited: 3, values: [9, 10, 10])
        #expect(allPromoters.score == 100 && allPromoters.interval == 100...100)
        let split = SurveySummary(kind: .nps, invited: 2, values: [0, 10])
        // Variance (0.5 + 0.5 − 0) / 2 answers: ±139 points, held to the scale.
        #expect(split.score == 0 && split.interval == -100...100)
        #expect(split.middleShare == 0)
    }

    @Test func effortCountsFiveToSevenAsEasyAndNothingAnsweredHasNoFigures() {
        let effort = SurveySummary(kind: .ces, invited: 4, values: [7, 5, 4, 2])
        #expect(effort.favourableShare == 0.5 && effort.middleShare == 0.25 && effort.unfavourableShare == 0.25)
        let none = SurveySummary(kind: .ces, invited: 0, values: [])
        #expect(none.responseRate == nil && none.score == nil && none.interval == nil && none.mean == nil)
        #expect(none.counts == [0, 0, 0, 0, 0, 0, 0])
    }

    @Test func answersOffTheScaleAreRefused() {
        #expect(throws: ValidationFailure.self) { try SurveyAnswer.parse(value: 8, comment: nil, kind: .ces) }
        #expect(throws: ValidationFailure.self) { try SurveyAnswer.parse(value: nil, comment: "why", kind: .nps) }
        #expect((try? SurveyAnswer.parse(value: 0, comment: "  ", kind: .nps)) == SurveyAnswer(value: 0, comment: nil))
    }

    @Test func theSampleOfOrdersIsFixedByTheirIdsAndAsLargeAsAsked() {
        let ids = (0..<20_000).map { "POS-SH01-\($0)" }
        for share in [0.1, 0.5] {
            let picked = ids.count { SurveySettings.samples(orderID: $0, share: share) }
            #expect(abs(Double(picked) / Double(ids.count) - share) < 0.02, "\(picked) of \(ids.count) at \(share)")
        }
        #expect(ids.allSatisfy { SurveySettings.samples(orderID: $0, share: 1) })
        #expect(!ids.contains { SurveySettings.samples(orderID: $0, share: 0) })
        #expect(
            SurveySettings.samples(orderID: "A-1", share: 0.5) == SurveySettings.samples(orderID: "A-1", share: 0.5))
    }
}
