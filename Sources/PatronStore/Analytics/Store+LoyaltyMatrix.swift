import PatronAnalytics
import PatronCore
import SQLKit

/// The loyalty matrix at one day: each member with both an attitude and a purchase history in one quadrant.
public struct LoyaltyMatrix: Sendable, Hashable {
    public var asOf: PatronCore.CalendarDate
    /// Quadrant of each member classified, by id.
    public var quadrants: [String: LoyaltyQuadrant]
    /// Members who bought but gave no score or rating within the year before.
    public var withoutAttitude: Int

    public func count(_ quadrant: LoyaltyQuadrant) -> Int { quadrants.values.count { $0 == quadrant } }
}

extension Store {
    /// Classifies the members who bought by `asOf` and answered within the year before: attitude from their latest
    /// score or rating, behaviour from their RFM quintile scores against the whole base at that day.
    public func loyaltyMatrix(asOf day: PatronCore.CalendarDate) async throws -> LoyaltyMatrix {
        let base = try await customerBase(referenceDate: day)
        var behaviour: [String: Bool] = [:]
        for standing in try await allStandings(in: base) {
            behaviour[standing.memberID] = LoyaltyQuadrant.behaviourHigh(
                recency: standing.score.recency, frequency: standing.score.frequency,
                monetary: standing.score.monetary)
        }
        let programs = self.programs
        let attitude = try await database.read { database -> [String: Bool] in
            let (_, program) = try await programs.current(in: database)
            let end = program.utcOffset.startOf(day.addingDays(1)).millisecondsSinceEpoch
            let start = end - Int64(LoyaltyQuadrant.attitudeDays) * 86_400_000
            var latest: [String: (at: Int64, high: Bool)] = [:]
            for row in try await database.raw(
                """
                SELECT member_id, score, rating, received_at FROM feedback
                WHERE member_id IS NOT NULL AND received_at >= \(bind: start) AND received_at < \(bind: end)
                  AND (score IS NOT NULL OR rating IS NOT NULL)
                """
            ).all() {
                let memberID = try row.decode(column: "member_id", as: String.self)
                let at = try row.decode(column: "received_at", as: Int64.self)
                guard
                    let high = LoyaltyQuadrant.attitudeHigh(
                        score: try row.decode(column: "score", as: Int64?.self).map(Int.init),
                        rating: try row.decode(column: "rating", as: Int64?.self).map(Int.init)),
                    at >= latest[memberID]?.at ?? .min
                else { continue }
                latest[memberID] = (at, high)
            }
            return latest.mapValues(\.high)
        }
        var quadrants: [String: LoyaltyQuadrant] = [:]
        var withoutAttitude = 0
        for (memberID, high) in behaviour {
            guard let says = attitude[memberID] else {
                withoutAttitude += 1
                continue
            }
            quadrants[memberID] = LoyaltyQuadrant(attitudeHigh: says, behaviourHigh: high)
        }
        return LoyaltyMatrix(asOf: day, quadrants: quadrants, withoutAttitude: withoutAttitude)
    }
}
