import Foundation
import PatronCore
import PatronStore
import PatronTestSupport
import SQLKit
import Testing

/// `patron import feedback` and `patron tickets sla` as an operator runs them.
@Suite struct ListeningCommandTests {
    static let csv = #"""
        feedback_id,channel,external_id,rating,score,text,tags,store_id,contact_phone,submitted_at
        R-1,social,wang,1,,"服务太慢了, 等了半小时",wait|service,SH-01,,2025-03-01T10:00:00Z
        R-2,web,,,9,Great coffee,,,13800138000,2025-03-02T10:00:00Z
        R-3,store,li,9,,out of range,,,,
        R-4,fax,li,4,,,,,,

        """#

    @Test(arguments: TestDatabase.engines)
    func pastFeedbackIsImportedOnceWithoutOpeningTickets(engine: DatabaseEngine) async throws {
        try await TestDatabase.withURL(engine) { url in
            let key = TestDatabase.makeDataKey()
            let environment = ["PATRON_DATA_KEY": key]
            let directory = FileManager.default.temporaryDirectory.appendingPathComponent("feedback-\(UUID())")
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
            defer { try? FileManager.default.removeItem(at: directory) }
            let file = directory.appendingPathComponent("reviews.csv")
            try Self.csv.write(to: file, atomically: true, encoding: .utf8)
            let report = directory.appendingPathComponent("refused.txt")
            let arguments = ["import", "feedback", file.path, "--errors", report.path, "--database-url", url.argument]
            _ = try await ServerProcess.run(["migrate", "--database-url", url.argument], environment: environment)

            let first = try await PatronCommand.run(arguments, environment: environment)
            #expect(first.status == 2, "some rows were refused: \(first.errors)")
            #expect(first.output == "Recorded 2 items; 0 already recorded; 2 refused.\n")
            #expect(
                try String(contentsOf: report, encoding: .utf8).split(separator: "\n") == [
                    "line 4: rating: must be 1 to 5",
                    "line 5: channel: must be one of store, app, web, phone, social, email, wechat, survey",
                ])
            let again = try await PatronCommand.run(arguments, environment: environment)
            #expect(again.output == "Recorded 0 items; 2 already recorded; 2 refused.\n")

            let database = try await DatabaseFactory.open(url, logger: TestDatabase.logger)
            let store = Store(
                database: database, protector: DataProtector(dataKey: try DataKey.parse(key, source: "test")))
            try await database.withRunning { _ in
                let complaint = try #require(try await store.feedback(id: "R-1"))
                #expect(
                    complaint.submission.text == "服务太慢了, 等了半小时" && complaint.submission.tags == ["wait", "service"])
                #expect(complaint.assessment.severity == .high && complaint.ticketID == nil, "history opens no ticket")
                #expect(complaint.submission.memberID == (try await store.member(externalID: "wang"))?.id)
                let praise = try #require(try await store.feedback(id: "R-2"))
                #expect(praise.submission.contact?.phone?.e164 == "+8613800138000" && praise.submission.memberID == nil)
                let tickets = try await database.read {
                    try await $0.raw("SELECT COUNT(*) AS n FROM tickets").first()?.decode(column: "n", as: Int64.self)
                }
                #expect(tickets == 0)
            }
        }
    }

    @Test(arguments: TestDatabase.engines)
    func slaMarksWhatFellDueWhileTheServerWasDown(engine: DatabaseEngine) async throws {
        try await TestDatabase.withURL(engine) { url in
            let key = TestDatabase.makeDataKey()
            let environment = ["PATRON_DATA_KEY": key]
            let database = try await DatabaseFactory.open(url, logger: TestDatabase.logger)
            let store = Store(
                database: database, protector: DataProtector(dataKey: try DataKey.parse(key, source: "test")))
            try await database.withRunning { database in
                try await Migrations.migrate(database)
                // Opened three hours ago: its urgent two-hour first response has been missed.
                let opened = store.with(WallClock { WallClock.system.milliseconds - 3 * 3_600_000 })
                _ = try await opened.openTicket(
                    subject: "Allergic reaction", memberID: nil, priority: .urgent, storeID: nil, actor: "test",
                    idempotencyKey: "t-1")
            }
            let arguments = ["tickets", "sla", "--database-url", url.argument]
            let first = try await PatronCommand.run(arguments, environment: environment)
            #expect(first.status == 0, "\(first.errors)")
            #expect(first.output.contains(": 1 warnings, 1 missed targets on 1 tickets"), "\(first.output)")
            let again = try await PatronCommand.run(arguments, environment: environment)
            #expect(again.output.contains(": 0 warnings, 0 missed targets on 0 tickets"), "\(again.output)")
        }
    }

    @Test(arguments: TestDatabase.engines)
    func answersCollectedOnPaperAreTakenAsThePageTakesThem(engine: DatabaseEngine) async throws {
        try await TestDatabase.withURL(engine) { url in
            let key = TestDatabase.makeDataKey()
            let environment = ["PATRON_DATA_KEY": key]
            let database = try await DatabaseFactory.open(url, logger: TestDatabase.logger)
            let store = Store(
                database: database, protector: DataProtector(dataKey: try DataKey.parse(key, source: "test")))
            let invitations = try await database.withRunning { database in
                try await Migrations.migrate(database)
                let member = try await store.upsertMember(MemberProfile(externalID: "zhang")).member.id
                var ids: [String] = []
                for index in 0..<2 {
                    let (invitation, _) = try await store.inviteToSurvey(
                        SurveyInvitationBasis(memberID: member, kind: .nps, storeID: "SH-01", language: "zh"),
                        channel: "paper", lifetimeDays: nil, actor: "test", idempotencyKey: "paper-\(index)")
                    ids.append(invitation.invitationID)
                }
                return ids
            }
            let directory = FileManager.default.temporaryDirectory.appendingPathComponent("answers-\(UUID())")
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
            defer { try? FileManager.default.removeItem(at: directory) }
            let file = directory.appendingPathComponent("answers.csv")
            try """
            invitation_id,value,comment,answered_at
            \(invitations[0]),9,店员很热情,
            \(invitations[0]),9,店员很热情,
            \(invitations[1]),11,,
            inv_NOBODY,5,,

            """.write(to: file, atomically: true, encoding: .utf8)
            let report = directory.appendingPathComponent("refused.txt")
            let imported = try await PatronCommand.run(
                ["import", "survey-answers", file.path, "--errors", report.path, "--database-url", url.argument],
                environment: environment)
            #expect(imported.status == 2, "\(imported.errors)")
            #expect(imported.output == "Recorded 1 answers; 1 already recorded; 2 refused.\n")
            #expect(
                try String(contentsOf: report, encoding: .utf8).split(separator: "\n") == [
                    "line 4: value: must be 0 to 10", "line 5: no survey invitation with id 'inv_NOBODY'",
                ])
            let reopened = try await DatabaseFactory.open(url, logger: TestDatabase.logger)
            try await reopened.withRunning { database in
                let store = Store(
                    database: database, protector: DataProtector(dataKey: try DataKey.parse(key, source: "test")))
                let answered = try #require(try await store.surveyInvitation(id: invitations[0]))
                #expect(answered.answerValue == 9)
                let feedbackID = try #require(answered.feedbackID)
                let feedback = try #require(try await store.feedback(id: feedbackID))
                #expect(feedback.submission.text == "店员很热情" && feedback.submission.channel == .survey)
            }
        }
    }
}
