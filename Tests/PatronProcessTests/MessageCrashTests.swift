import AsyncHTTPClient
import Foundation
import NIOHTTP1
import PatronCore
import PatronStore
import PatronTestSupport
import SQLKit
import Testing

/// Messages survive a crash: `patron serve` is killed (SIGKILL) while it sends 400 emails through a real
/// SMTP server on loopback (aiosmtpd, STARTTLS and AUTH). After a restart every message is sent, except the few
/// that were being handed over at the kill (left ambiguous, never sent again by themselves); no Message-ID
/// arrives twice, and every message recorded as sent did arrive.
@Suite(
    .serialized, .timeLimit(.minutes(8)), .enabled(if: SMTPSink.isAvailable, Comment(rawValue: SMTPSink.unavailable)))
struct MessageCrashTests {
    static let count = 400

    /// A real SMTP server (STARTTLS and AUTH), a fresh database with a store open on it, and the environment a
    /// `patron serve` on that database sends through that server with.
    static func withMailServer(
        _ engine: DatabaseEngine,
        _ body: @escaping @Sendable (DatabaseURL, [String: String], SMTPSink, Store) async throws -> Void
    ) async throws {
        let sink = try await SMTPSink.start(
            TestCertificate.shared.sinkOptions + ["--require-starttls", "--auth", "shop:s3cret"])
        defer { sink.stop() }
        try await TestDatabase.withURL(engine) { databaseURL in
            let dataKey = TestDatabase.makeDataKey()
            let environment = [
                "PATRON_DATA_KEY": dataKey, "PATRON_SMTP_URL": "smtp://shop:s3cret@localhost:\(sink.port)",
                "PATRON_SMTP_CA_FILE": TestCertificate.shared.certificate,
                "PATRON_MAIL_FROM": "Shop <news@shop.example.cn>",
            ]
            let store = Store(
                database: try await DatabaseFactory.open(databaseURL, logger: TestDatabase.logger),
                protector: DataProtector(dataKey: try DataKey.parse(dataKey, source: "test")))
            try await store.database.withRunning { _ in try await body(databaseURL, environment, sink, store) }
        }
    }

    @Test(arguments: TestDatabase.engines)
    func killedWhileSendingItLosesNoMessageAndSendsNoneTwice(engine: DatabaseEngine) async throws {
        try await Self.withMailServer(engine) { databaseURL, environment, sink, store in
            try await Self.queue(Self.count, in: store)
            let statuses = try await Self.sendKillAndResend(databaseURL, environment, sink: sink, store: store)
            #expect(try Self.expectEachSentOnce(statuses, sink: sink) == Self.count)
        }
    }

    /// Every message is sent or was being handed over at the kill (a few at most); no Message-ID arrived twice;
    /// every message recorded as sent arrived, and nothing else did. Answers how many are sent or in doubt.
    static func expectEachSentOnce(_ statuses: [String: [String]], sink: SMTPSink) throws -> Int {
        let unsent = statuses.filter { !["sent", "sending", "ambiguous"].contains($0.key) }
        #expect(unsent.isEmpty, "messages neither sent nor in flight at the kill: \(unsent.mapValues(\.count))")
        let inFlight = (statuses["sending"] ?? []) + (statuses["ambiguous"] ?? [])
        #expect(inFlight.count <= 8, "only what was being handed over at the kill is in doubt: \(inFlight.count)")
        let arrived = try sink.messages().map { try Self.messageID(in: $0) }
        #expect(arrived.count == Set(arrived).count, "a Message-ID arrived twice")
        let sent = Set(statuses["sent"] ?? [])
        #expect(sent.isSubset(of: Set(arrived)), "every message recorded as sent arrived")
        #expect(Set(arrived).isSubset(of: sent.union(inFlight)), "nothing arrived that is not sent or in doubt")
        return sent.count + inFlight.count
    }

    /// Starts a server on the queue, kills it once 100 emails arrived, starts another, and waits until every
    /// message is sent or was in flight at the kill; answers the message ids by status.
    static func sendKillAndResend(
        _ databaseURL: DatabaseURL, _ environment: [String: String], sink: SMTPSink, store: Store
    ) async throws -> [String: [String]] {
        let start = { @Sendable in
            try await ServerProcess.start(databaseURL: databaseURL.argument, environment: environment, client: .shared)
        }
        // The server starts on a queue of due messages and sends at once.
        let server = try await start()
        let waitUntil = ContinuousClock.now + .seconds(60)
        while try sink.messages().count < 100, ContinuousClock.now < waitUntil {
            try await Task.sleep(for: .milliseconds(5))
        }
        await server.kill()
        let atKill = try sink.messages().count
        #expect(atKill >= 100 && atKill < Self.count, "killed in the middle: \(atKill) of \(Self.count) sent")

        // Claims of the killed server run out after 30 seconds and their messages are sent by the new one.
        let restarted = try await start()
        var statuses: [String: [String]] = [:]
        for _ in 0..<1_200 {
            statuses = try await Self.idsByStatus(store)
            if statuses.keys.allSatisfy({ ["sent", "sending", "ambiguous"].contains($0) }) { break }
            try await Task.sleep(for: .milliseconds(100))
        }
        await restarted.kill()
        return statuses
    }

    /// Makes `count` members with an email and queues a receipt to each, due now, before any server runs.
    static func queue(_ count: Int, in store: Store) async throws {
        try await Migrations.migrate(store.database)
        let now = store.clock.now
        let receipt = try MessageTemplate.parse([
            "name": "receipt", "category": "transactional",
            "contents": [["channel": "email", "language": "zh", "subject": "收据", "text": "谢谢惠顾，{{member.name}}"]],
        ])
        _ = try await store.saveTemplate(id: "receipt", template: receipt, acceptedVersions: nil, by: "test", at: now)
        for number in 0..<count {
            let member = try await store.upsertMember(
                MemberProfile(
                    externalID: "m-\(number)", name: "会员\(number)", email: EmailAddress("m\(number)@example.cn")))
            _ = try await store.queueMessage(
                MessageRequest(
                    naturalKey: "receipt-\(number)", memberID: member.member.id, templateID: "receipt",
                    channels: [.email], source: "test", refs: MessageRefs(), dueAt: now), at: now)
        }
    }

    /// Message ids by status.
    static func idsByStatus(_ store: Store) async throws -> [String: [String]] {
        try await store.database.read { database in
            var ids: [String: [String]] = [:]
            for row in try await database.raw("SELECT message_id, status FROM messages").all() {
                ids[try row.decode(column: "status", as: String.self), default: []].append(
                    try row.decode(column: "message_id", as: String.self))
            }
            return ids
        }
    }

    /// The message id in a spooled email's Message-ID header (`<msg_…@domain>`).
    static func messageID(in file: URL) throws -> String {
        let text = String(decoding: try Data(contentsOf: file), as: UTF8.self)
        guard let line = text.split(separator: "\r\n").first(where: { $0.lowercased().hasPrefix("message-id:") }),
            let open = line.firstIndex(of: "<"), let at = line.firstIndex(of: "@")
        else { throw ProcessTestError("no Message-ID in \(file.lastPathComponent)") }
        return String(line[line.index(after: open)..<at])
    }
}
