import Foundation
import PatronAnalytics
import PatronCore
import SQLKit

/// What the program's marketing adds: everyone it may reach against the global control group it never
/// reaches, over a window of orders.
public struct GlobalControlLift: Sendable, Hashable {
    public var control: GlobalControl
    public var from: Timestamp
    public var to: Timestamp
    /// The program's currency, the one revenue is counted in.
    public var currency: Currency
    /// Members held back, and everyone else (erased members are neither), with their orders in the window.
    public var heldBack: ArmOutcome
    public var reached: ArmOutcome
    /// Everyone else minus the held back: conversion by the two-proportion z-test, revenue per member by Welch's.
    public var conversion: Difference?
    public var revenuePerMember: Difference?
}

extension Store {
    /// The global control group against everyone else over the `days` before `instant`: who ordered, and what
    /// they spent. With no group set, everyone is reached and nothing is compared.
    public func globalControlLift(days: Int, at instant: Timestamp) async throws -> GlobalControlLift {
        let (_, program) = try await self.program()
        let control = program.messaging.globalControl
        let to = instant.millisecondsSinceEpoch
        let from = to - Int64(days) * 86_400_000
        let (members, bought) = try await database.read { database in
            let members = try await database.raw("SELECT id FROM members WHERE erased_at IS NULL").all().map {
                try $0.decode(column: "id", as: String.self)
            }
            var bought: [String: Int64] = [:]
            for row in try await database.raw(
                """
                SELECT member_id, CAST(SUM(total_minor) AS BIGINT) AS revenue FROM orders
                WHERE occurred_at >= \(bind: from) AND occurred_at < \(bind: to)
                  AND currency = \(bind: program.currency.code)
                GROUP BY member_id
                """
            ).all() {
                bought[try row.decode(column: "member_id", as: String.self)] = try row.decode(
                    column: "revenue", as: Int64.self)
            }
            return (members, bought)
        }
        var heldBack = ArmOutcome(members: 0, conversions: 0, revenue: 0, revenueSquares: 0)
        var reached = heldBack
        for member in members {
            let revenue = bought[member].map(Double.init)
            let add = { (arm: inout ArmOutcome) in
                arm.members += 1
                guard let revenue else { return }
                arm.conversions += 1
                arm.revenue += revenue
                arm.revenueSquares += revenue * revenue
            }
            if control.contains(member) { add(&heldBack) } else { add(&reached) }
        }
        return GlobalControlLift(
            control: control, from: Timestamp(millisecondsSinceEpoch: from),
            to: Timestamp(millisecondsSinceEpoch: to), currency: program.currency, heldBack: heldBack,
            reached: reached, conversion: SignificanceTests.conversion(reached, against: heldBack),
            revenuePerMember: SignificanceTests.revenue(reached, against: heldBack))
    }
}
