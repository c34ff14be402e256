import ArgumentParser
import Foundation
import PatronAnalytics
import PatronCore
import PatronServer
import PatronStore

struct CampaignsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "campaigns", abstract: "Campaigns to a segment, with variants and a holdout.",
        subcommands: [Send.self, Results.self])

    struct Send: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract:
                "Launch a draft campaign and queue its whole audience now (a running `patron serve` sends it), or, "
                + "with --dry-run, print how many members each arm has and what would become of their messages.")
        @Argument(help: "The campaign's id.") var campaignID: String
        @Flag(help: "Decide every message as if sending now, and change nothing.") var dryRun = false
        @Option(
            help: """
                The channels the server sends on, for --dry-run, such as email,sms (default: those `patron serve` \
                sets up from $PATRON_SMTP_URL, $PATRON_MAIL_FROM and $PATRON_MESSAGE_BRIDGES).
                """)
        var channels: String?
        @OptionGroup var database: DatabaseOptions

        func run() async throws {
            let (id, dryRun) = (campaignID, dryRun)
            let available = try availableChannels()
            try await database.withStore { store in
                try await CampaignsCommand.explained {
                    if dryRun {
                        let arms = try await store.campaignForecast(id: id, available: available, at: store.clock.now)
                        CampaignsCommand.print(forecast: arms, available: available)
                    } else {
                        try await CampaignsCommand.launch(id, store: store)
                    }
                }
            }
        }

        private func availableChannels() throws -> Set<MessageChannel> {
            if let channels {
                var found: Set<MessageChannel> = []
                for name in channels.split(separator: ",") {
                    guard let channel = MessageChannel(rawValue: name.trimmingCharacters(in: .whitespaces)) else {
                        throw CommandFailure("--channels takes email, sms, wechat and push, not '\(name)'")
                    }
                    found.insert(channel)
                }
                return found
            }
            // The channels `patron serve` would set up from the same environment.
            do {
                return try MessageChannels.parse(
                    smtpURL: Environment.value("PATRON_SMTP_URL"), smtpCAFile: Environment.value("PATRON_SMTP_CA_FILE"),
                    mailFrom: Environment.value("PATRON_MAIL_FROM"),
                    bridges: (Environment.value("PATRON_MESSAGE_BRIDGES") ?? "").split(separator: ",").map(String.init),
                    bridgeSecret: Environment.value("PATRON_MESSAGE_BRIDGE_SECRET"), heloName: "localhost"
                ).available
            } catch {
                throw CommandFailure(String(describing: error))
            }
        }
    }

    struct Results: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Each arm's messages, conversions and revenue, each variant against the holdout, the verdict.")
        @Argument(help: "The campaign's id.") var campaignID: String
        @OptionGroup var database: DatabaseOptions

        func run() async throws {
            let id = campaignID
            try await database.withStore { store in
                try await CampaignsCommand.explained {
                    CampaignsCommand.print(results: try await store.campaignResults(id: id))
                }
            }
        }
    }

    /// Launches the campaign and, when it goes now, queues it to the end with progress on standard error.
    static func launch(_ id: String, store: Store) async throws {
        var (campaign, _) = try await store.launchCampaign(id: id, at: store.clock.now)
        switch campaign.state {
        case .scheduled:
            Swift.print(
                "Campaign \(id) is scheduled for \(campaign.definition.sendAt?.rfc3339 ?? "?"); `patron serve` "
                    + "queues it then.")
            return
        case .launching:
            let run = try await store.runCampaign(id: id, at: store.clock.now)
            if !run.finished {
                FileHandle.standardError.write(
                    Data("another process is queueing campaign \(id); it finishes there\n".utf8))
            }
            campaign = try await store.campaign(id: id)
        case .draft, .launched, .cancelled:
            break
        }
        Swift.print(
            "Campaign \(id) is \(campaign.state.rawValue): \(campaign.queued) of \(campaign.audience) members queued; "
                + "`patron serve` sends their messages.")
    }

    static func print(forecast arms: [ArmForecast], available: Set<MessageChannel>) {
        let audience = arms.reduce(0) { $0 + $1.members }
        let channels = MessageChannel.allCases.filter { available.contains($0) }.map(\.rawValue)
        Swift.print(
            "Dry run: \(audience) members; sending on \(channels.isEmpty ? "no channel" : channels.joined(separator: ", "))."
        )
        for arm in arms {
            var parts = MessageChannel.allCases.compactMap { channel in
                arm.sends[channel].map { "\($0) by \(channel.rawValue)" }
            }
            if arm.held > 0 { parts.append("\(arm.held) held for quiet hours") }
            parts += SkipReason.allCases.compactMap { reason in
                arm.skipped[reason].map { "\($0) skipped (\(reason.rawValue))" }
            }
            let what = parts.isEmpty ? "sent nothing" : parts.joined(separator: ", ")
            Swift.print("  \(arm.arm): \(arm.members) members — \(what)")
        }
    }

    static func print(results: CampaignResults) {
        let campaign = results.campaign
        let window = results.windowStart.map {
            "orders from \($0.rfc3339) for \(campaign.definition.conversionDays) days"
        }
        Swift.print("Campaign \(campaign.campaignID) (\(campaign.state.rawValue)): \(window ?? "not started")")
        let scale = results.currency.minorUnitsPerMajor
        for arm in results.arms {
            let outcome = arm.outcome
            let sent = arm.messages[.sent] ?? 0
            Swift.print(
                "  \(arm.arm): \(outcome.members) members, \(sent) sent, \(outcome.conversions) converted "
                    + "(\(percent(outcome.conversionRate))), \(results.currency.code) "
                    + "\(String(format: "%.2f", outcome.revenuePerMember / scale)) per member")
        }
        let reading = results.reading
        for comparison in reading.comparisons {
            guard let lift = comparison.conversion else {
                Swift.print("  \(comparison.arm) against \(reading.baseline): nothing to compare yet")
                continue
            }
            Swift.print(
                "  \(comparison.arm) against \(reading.baseline): \(points(lift.estimate)) conversion "
                    + "(95% CI \(points(lift.lower)) to \(points(lift.upper)), p = \(String(format: "%.3g", lift.pValue)))"
            )
        }
        switch reading.verdict {
        case .collecting(let needed):
            Swift.print(
                "  No winner yet: "
                    + (needed.map { "each arm needs \($0) members" } ?? "the baseline has no conversions yet"))
        case .winner(let arm): Swift.print("  Winner: \(arm)")
        case .noWinner: Swift.print("  No winner: no variant beats the baseline beyond chance")
        }
    }

    private static func percent(_ rate: Double) -> String { String(format: "%.1f%%", rate * 100) }
    private static func points(_ difference: Double) -> String {
        String(format: "%+.1f points", difference * 100)
    }

    /// Runs `body`, turning what the store refuses into one line.
    static func explained(_ body: () async throws -> Void) async throws {
        do {
            try await body()
        } catch CampaignError.notFound(let id) {
            throw CommandFailure("no campaign with id '\(id)'")
        } catch CampaignError.cancelled(let id) {
            throw CommandFailure("campaign \(id) was cancelled")
        } catch SegmentError.notFound(let id) {
            throw CommandFailure("the campaign's segment '\(id)' does not exist")
        } catch TemplateError.notFound(let id) {
            throw CommandFailure("the campaign's template '\(id)' does not exist")
        } catch let failure as ValidationFailure {
            let problems = failure.errors.map { "\($0.pointer) \($0.detail)" }
            throw CommandFailure("the campaign cannot go: " + problems.joined(separator: "; "))
        }
    }
}
