import ArgumentParser
import Foundation
import PatronAnalytics
import PatronCore
import PatronStore

struct SurveysCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "surveys", abstract: "Ask members what they think.", subcommands: [Send.self])

    struct Send: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract:
                "Invite an RFM segment (or everyone who bought) to a relationship survey, skipping members asked "
                + "within the program's interval; the invitations are listed by GET /v1/surveys/invitations.")
        @Option(help: "An RFM segment as `patron analytics segments` names it (Champions, At Risk, …), or all.")
        var segment: String
        @Option(help: "nps, csat or ces.") var kind = "nps"
        @Option(help: "How the links go out (sms, email, wechat, …), for reports by channel.") var channel: String?
        @Option(help: "zh or en: the answer page's language.") var language = "zh"
        @Option(help: AsOf.help) var asOf: String?
        @Flag(help: "Count who would be invited; invite nobody.") var dryRun = false
        @OptionGroup var database: DatabaseOptions

        func validate() throws {
            guard SurveyKind(rawValue: kind) != nil else { throw CommandFailure("--kind must be nps, csat or ces") }
            guard segment == "all" || RFMSegment(rawValue: segment) != nil else {
                throw CommandFailure(
                    "--segment must be all or one of: " + RFMSegment.allCases.map(\.rawValue).joined(separator: ", "))
            }
            guard SurveyInvitationBasis.languages.contains(language) else {
                throw CommandFailure("--language must be zh or en")
            }
        }

        func run() async throws {
            let (segment, kind, channel, language, asOf, dryRun) = (
                RFMSegment(rawValue: segment), SurveyKind(rawValue: kind) ?? .nps, channel, language, asOf, dryRun
            )
            let (sending, asked) = try await database.withStore { store in
                let day = try await AsOf.day(asOf, store: store)
                let base = try await store.customerBase(referenceDate: day)
                let members = try await store.allStandings(in: base, segment: segment).map(\.memberID)
                let sending = try await store.inviteToRelationshipSurvey(
                    members, kind: kind, channel: channel, language: language,
                    actor: "console:" + ProcessInfo.processInfo.userName, dryRun: dryRun)
                if !dryRun, sending.invited > 0 {
                    try await auditFromConsole(store, action: "sendSurvey", objectIDs: [])
                }
                return (sending, members.count)
            }
            let verb = dryRun ? "would be invited (dry run: nothing changed)" : "invited"
            print(
                "\(asked) members in \(segment?.rawValue ?? "all segments"): \(sending.invited) \(verb), "
                    + "\(sending.recentlyAsked) asked within the program's interval, \(sending.erased) erased.")
        }
    }
}
