import Foundation
import Logging
import PatronCore
import PatronStore
import ServiceLifecycle

/// Releases pending points, expires due lots, evaluates due tiers, rewards settled referrals, invites the
/// program's sample of buyers to a survey and closes resolved tickets past their reopen window, every `interval`,
/// inside `patron serve`, and sums the overview's closed days; gives birthday rewards once a day.
///
/// Each job finds its work through indexed due times (`available_at`, `expires_at`, `next_evaluation_day`),
/// so a run with nothing due costs three index look-ups.
struct LoyaltyJobService: Service {
    let store: Store
    let interval: Duration
    let logger: Logger

    func run() async throws {
        await cancelWhenGracefulShutdown {
            var birthdaysGivenOn: Int64?
            var dailyTriggersOn: Int64?
            while !Task.isCancelled {
                // Waiting first lets the migrations of `beforeServerStarts` finish.
                do { try await Task.sleep(for: interval) } catch { return }
                let now = store.clock.milliseconds
                let day = now / 86_400_000
                // Triggers that read every customer run once a (UTC) day.
                if await runOnce(asOf: Timestamp(millisecondsSinceEpoch: now), daily: dailyTriggersOn != day) {
                    dailyTriggersOn = day
                }
                await sumClosedDays()
                // Birthdays read every member's encrypted birthday, so they run once a (UTC) day.
                if birthdaysGivenOn != day, await giveBirthdayRewards(asOf: Timestamp(millisecondsSinceEpoch: now)) {
                    birthdaysGivenOn = day
                }
            }
        }
    }

    /// Whether every job ran; a failed one is tried again at the next interval.
    @discardableResult
    func runOnce(asOf instant: Timestamp, daily: Bool = true) async -> Bool {
        do {
            let released = try await store.releasePendingPoints(asOf: instant)
            let expired = try await store.expirePoints(asOf: instant)
            let tiers = try await store.evaluateTiers(asOf: instant)
            let referrals = try await store.settleReferrals(asOf: instant)
            let surveyed = try await store.inviteAfterOrders(asOf: instant)
            let closed = try await store.closeResolvedTickets(asOf: instant)
            let (_, program) = try await store.program()
            let triggered = try await store.runMessageTriggers(program: program, at: instant, daily: daily).values
                .reduce(0, +)
            if triggered > 0 { logger.info("messages.triggered", metadata: ["messages": "\(triggered)"]) }
            if closed > 0 { logger.info("tickets.closed", metadata: ["tickets": "\(closed)"]) }
            if surveyed > 0 { logger.info("surveys.after_order.invited", metadata: ["invitations": "\(surveyed)"]) }
            for skip in referrals.skipped {
                logger.warning(
                    "loyalty.referrals.reward_skipped",
                    metadata: [
                        "member.id": "\(skip.memberID)", "reward.id": "\(skip.rewardID)",
                        "campaign.id": "\(skip.campaignID)",
                        "reasons": "\(skip.refusals.map(\.code).joined(separator: ","))",
                    ])
            }
            if released.lots + expired.lots + tiers.changed + referrals.rewarded > 0 {
                logger.info(
                    "loyalty.jobs.ran",
                    metadata: [
                        "points.released": "\(released.points)", "points.expired": "\(expired.points)",
                        "tiers.evaluated": "\(tiers.evaluated)", "tiers.changed": "\(tiers.changed)",
                        "referrals.rewarded": "\(referrals.rewarded)",
                        "referrals.rewards_skipped": "\(referrals.skipped.count)",
                    ])
            }
            return true
        } catch {
            logger.error("loyalty.jobs.failed", metadata: ["error": "\(String(reflecting: error))"])
            return false
        }
    }

    /// Sums the overview's days that are over and changed since the last run; with none, one look-up.
    func sumClosedDays() async {
        do {
            let days = try await store.refreshActivityRollups()
            if days > 0 { logger.info("analytics.days.summed", metadata: ["days": "\(days)"]) }
        } catch {
            logger.error("analytics.days.failed", metadata: ["error": "\(String(reflecting: error))"])
        }
    }

    /// Whether the run finished; a failed one is tried again at the next interval.
    func giveBirthdayRewards(asOf instant: Timestamp) async -> Bool {
        do {
            let granted = try await store.grantBirthdayRewards(asOf: instant)
            if granted > 0 { logger.info("loyalty.birthdays.given", metadata: ["members": "\(granted)"]) }
            return true
        } catch {
            logger.error("loyalty.birthdays.failed", metadata: ["error": "\(String(reflecting: error))"])
            return false
        }
    }
}

/// Reads a loyalty program from a JSON file, with a one-line explanation when it is not valid.
public enum ProgramFile {
    public static func read(_ path: String) throws -> LoyaltyProgram {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw ProgramFileError(description: "cannot read the program file \(path)")
        }
        guard let json = try? JSONDecoder().decode(JSONValue.self, from: data) else {
            throw ProgramFileError(description: "\(path) is not valid JSON")
        }
        do {
            return try LoyaltyProgram.parse(json)
        } catch {
            let problem = error.errors.first ?? FieldError(pointer: "/", detail: "is not valid")
            throw ProgramFileError(description: "\(path): \(problem.pointer) \(problem.detail)")
        }
    }
}

public struct ProgramFileError: Error, CustomStringConvertible {
    public let description: String
}
