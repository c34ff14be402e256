import Foundation
import HTTPTypes
import HummingbirdTesting
import Logging
import PatronCore
import PatronServer
import PatronStore
import PatronTestSupport
import Testing

/// Messages end to end: a template saved and previewed through the API, a message sent once per key through
/// a real SMTP server on loopback (STARTTLS and AUTH, aiosmtpd), its one-click unsubscribe link honoured by a
/// POST and never by a GET, and an SMS handed to a provider bridge signed as webhooks are.
@Suite(.enabled(if: SMTPSink.isAvailable, Comment(rawValue: SMTPSink.unavailable)))
struct MessageAPITests {
    static let template: JSONValue = [
        "name": "积分提醒", "category": "marketing", "default_language": "zh",
        "contents": [
            [
                "channel": "email", "language": "zh", "subject": "{{member.name}}，您的积分",
                "text": "您有 {{points.available}} 积分。退订：{{unsubscribe_url}}",
                "html": "<p>{{member.name}}，您有 <b>{{points.available}}</b> 积分</p>",
            ],
            [
                "channel": "email", "language": "en", "subject": "Your points, {{member.name}}",
                "text": "You have {{points.available}} points.",
            ],
            ["channel": "sms", "language": "zh", "text": "{{member.name}}，您有{{points.available}}积分"],
        ],
    ]

    /// Quiet hours off, so the test sends at any time of day (they are tested in MessageQueueTests).
    static func allowAnyHour(_ app: TestApplication) async throws {
        var (_, program) = try await app.store.program()
        program.messaging.quietHours = nil
        _ = try await app.store.saveProgram(program, actor: "test")
    }

    static func member(_ app: TestApplication, _ id: String, email: String?, phone: String?) async throws -> String {
        var body: [String: JSONValue] = ["external_id": .string(id), "name": "<林&李>"]
        if let email { body["email"] = .string(email) }
        if let phone { body["phone"] = .string(phone) }
        body["consents"] = [
            ["purpose": "marketing", "channel": "email", "state": "granted", "source": "app"],
            ["purpose": "marketing", "channel": "sms", "state": "granted", "source": "app"],
        ]
        let created = try await app.request(.post, "/v1/members", json: .object(body))
        try #require(created.status == .created, "\(created.text)")
        guard case .string(let memberID)? = created.json["member_id"] else { throw CancellationError() }
        return memberID
    }

    static func channels(_ sink: SMTPSink?, bridge: String? = nil) throws -> MessageChannels {
        try MessageChannels.parse(
            smtpURL: sink.map { "smtp://shop:s3cret@localhost:\($0.port)" },
            smtpCAFile: TestCertificate.shared.certificate,
            mailFrom: "小店 <news@shop.example.cn>", bridges: bridge.map { ["sms=\($0)"] } ?? [],
            bridgeSecret: "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw", heloName: "patron.test")
    }

    @Test(arguments: TestDatabase.engines)
    func anEmailGoesOnceThroughARealServerAndItsLinkUnsubscribesOnlyOnPost(engine: DatabaseEngine) async throws {
        let sink = try await SMTPSink.start(
            TestCertificate.shared.sinkOptions + ["--require-starttls", "--auth", "shop:s3cret"])
        defer { sink.stop() }
        try await TestApplication.run(engine) { app in
            try await Self.allowAnyHour(app)
            let saved = try await app.request(.put, "/v1/templates/points", json: Self.template)
            try #require(saved.status == .created, "\(saved.text)")
            let memberID = try await Self.member(app, "m-1", email: "lin@example.cn", phone: nil)

            let preview = try await app.request(
                .post, "/v1/templates/points/preview", json: ["channel": "email", "member_id": .string(memberID)])
            #expect(preview.status == .ok, "\(preview.text)")
            #expect(preview.json["subject"] == "<林&李>，您的积分", "plain text: nothing escaped")
            #expect(preview.json["html"] == "<p>&lt;林&amp;李&gt;，您有 <b>0</b> 积分</p>", "HTML: the name escaped")

            let send: JSONValue = ["member_id": .string(memberID), "template_id": "points", "key": "points:2026-06"]
            let queued = try await app.request(.post, "/v1/messages", json: send)
            #expect(queued.status == .created, "\(queued.text)")
            #expect(try await app.request(.post, "/v1/messages", json: send).status == .ok, "the same key: that one")

            let dispatcher = MessageDispatcher(
                store: app.store, channels: try Self.channels(sink), publicURL: "https://loyalty.example.cn",
                logger: Logger(label: "test"))
            #expect(try await dispatcher.round() == 1)
            #expect(try await dispatcher.round() == 0, "sent once")
            await dispatcher.shutdown()

            let files = try sink.messages()
            try #require(files.count == 1)
            let mail = try ParsedMail(file: files[0])
            #expect(mail.subject == "<林&李>，您的积分" && mail.fromName == "小店" && mail.to == "lin@example.cn")
            #expect(mail.html?.contains("&lt;林&amp;李&gt;") == true)
            #expect(mail.headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click")
            let link = try #require(
                mail.headers["List-Unsubscribe"]?.dropFirst().dropLast().replacingOccurrences(
                    of: "https://loyalty.example.cn", with: ""))
            #expect(mail.text.contains("https://loyalty.example.cn" + link), "the text's link is the header's")
            guard case .string(let messageID)? = queued.json["message_id"] else { throw CancellationError() }
            #expect(mail.headers["Message-ID"] == "<\(messageID)@shop.example.cn>")

            let logged = try await app.request(.get, "/v1/messages/\(messageID)")
            #expect(logged.json["status"] == "sent" && logged.json["channel"] == "email")
            #expect(logged.json["provider_reference"] == "OK queued as 1", "\(logged.text)")
            let mine = try await app.request(.get, "/v1/messages?member_id=\(memberID)")
            #expect(mine.json["data"]?.array.first?["message_id"] == .string(messageID))

            // A link scanner opens the link: nothing changes. The one-click POST unsubscribes.
            #expect(try await app.request(.get, link, anonymous: true).status == .ok)
            #expect(try await app.store.permits(memberID, .marketing, channel: .email))
            let unsubscribed = try await app.request(
                .post, link, body: "List-Unsubscribe=One-Click", anonymous: true,
                headers: [.contentType: "application/x-www-form-urlencoded"])
            #expect(unsubscribed.status == .ok)
            #expect(try await !app.store.permits(memberID, .marketing, channel: .email))
            #expect(try await app.request(.post, "/u/forged.token", anonymous: true).status == .notFound)

            // The next offer is skipped for want of consent, and says so.
            let next = try await app.request(
                .post, "/v1/messages",
                json: ["member_id": .string(memberID), "template_id": "points", "key": "points:2026-07"])
            let second = MessageDispatcher(
                store: app.store, channels: try Self.channels(sink), publicURL: "https://loyalty.example.cn",
                logger: Logger(label: "test"))
            _ = try await second.round()
            await second.shutdown()
            guard case .string(let nextID)? = next.json["message_id"] else { throw CancellationError() }
            let skipped = try await app.request(.get, "/v1/messages/\(nextID)")
            #expect(skipped.json["status"] == "skipped" && skipped.json["skip_reason"] == "no_consent")
            #expect(try sink.messages().count == 1)
        }
    }

    @Test(arguments: TestDatabase.engines)
    func anSMSGoesToTheBridgeSignedWithTheOptOutText(engine: DatabaseEngine) async throws {
        let bridge = WebhookReceiver()
        try await bridge.run { url in
            try await TestApplication.run(engine) { app in
                try await Self.allowAnyHour(app)
                #expect(try await app.request(.put, "/v1/templates/points", json: Self.template).status == .created)
                let memberID = try await Self.member(app, "m-2", email: nil, phone: "13912345678")
                let queued = try await app.request(
                    .post, "/v1/messages",
                    json: [
                        "member_id": .string(memberID), "template_id": "points", "key": "sms-1",
                        "channels": ["email", "sms"],
                    ])
                #expect(queued.status == .created, "\(queued.text)")
                let dispatcher = MessageDispatcher(
                    store: app.store, channels: try Self.channels(nil, bridge: url), publicURL: "https://x.example",
                    logger: Logger(label: "test"))
                #expect(try await dispatcher.round() == 1)
                await dispatcher.shutdown()
                let received = try #require(bridge.received.first)
                let id = try #require(received.headers["webhook-id"])
                let timestamp = try #require(received.headers["webhook-timestamp"].flatMap { Int64($0) })
                #expect(
                    received.headers["webhook-signature"]
                        == WebhookSignature.sign(
                            secret: "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw", id: id, timestamp: timestamp,
                            body: received.body))
                #expect(received.json?["to"] as? String == "+8613912345678", "email has no address: SMS next")
                #expect(received.json?["text"] as? String == "<林&李>，您有0积分 拒收请回复R")
                #expect(received.json?["message_id"] as? String == id)

                // The member answers R: the bridge passes it on, and their SMS marketing consent is withdrawn.
                let chat = try await app.request(
                    .post, "/v1/messages/replies",
                    json: ["channel": "sms", "from": "+8613912345678", "text": "R 是什么意思？"])
                #expect(chat.json["opt_out"] == false, "a sentence is a conversation, not an opt-out")
                #expect(try await app.store.permits(memberID, .marketing, channel: .sms))
                let stop = try await app.request(
                    .post, "/v1/messages/replies", json: ["channel": "sms", "from": "13912345678", "text": " r。"])
                #expect(stop.json["member_id"] == .string(memberID) && stop.json["opt_out"] == true, "\(stop.text)")
                #expect(try await !app.store.permits(memberID, .marketing, channel: .sms))
                let stranger = try await app.request(
                    .post, "/v1/messages/replies", json: ["channel": "sms", "from": "13800000000", "text": "TD"])
                #expect(stranger.json["member_id"] == .null && stranger.json["opt_out"] == false)
            }
        }
    }
}
