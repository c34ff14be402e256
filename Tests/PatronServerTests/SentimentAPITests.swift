import Foundation
import Hummingbird
import HummingbirdTesting
import PatronAnalytics
import PatronCore
import PatronStore
import PatronTestSupport
import SQLKit
import Testing

/// Feedback text is read on arrival by the model in force; a business installs its own trained model as a new
/// version, and can put any earlier one, or the built-in model, back.
@Suite struct SentimentAPITests {
    /// A deliberately contrary model, so that which model read a text shows in the answer.
    static func contraryModel() throws -> JSONValue {
        let examples =
            Array(repeating: LabelledText(text: "太难吃了", label: .positive), count: 3)
            + Array(repeating: LabelledText(text: "很好吃", label: .negative), count: 3)
        let model = try SentimentTrainer(minimumCount: 1).train(examples, name: "contrary")
        return try JSONDecoder().decode(JSONValue.self, from: try JSONEncoder().encode(model))
    }

    @Test(arguments: TestDatabase.engines)
    func feedbackTextIsReadAndAComplaintWithoutStarsReachesAPerson(engine: DatabaseEngine) async throws {
        try await TestApplication.run(engine) { app in
            let post = try await app.request(
                .post, "/v1/feedback",
                json: ["feedback_id": "W-1", "channel": "social", "text": "外卖等了一个半小时，太难吃了，再也不点了"])
            #expect(post.status == .created, "\(post.text)")
            #expect(post.json["sentiment"]?["label"] == "negative")
            #expect((post.json["sentiment"]?["score"]?.number ?? 0) < 0)
            #expect(post.json["severity"] == "high")
            #expect(post.json["ticket_id"] != .null, "negative words without stars open a ticket")
            #expect(post.json["topics"] == ["delivery", "taste"])

            let starred = try await app.request(
                .post, "/v1/feedback",
                json: ["feedback_id": "W-2", "channel": "app", "rating": 5, "text": "送餐很快，味道很好"])
            #expect(starred.json["sentiment"]?["label"] == "positive")
            #expect(starred.json["severity"] == "low" && starred.json["ticket_id"] == .null)
            let noText = try await app.request(
                .post, "/v1/feedback", json: ["feedback_id": "W-3", "channel": "app", "rating": 4])
            #expect(noText.json["sentiment"] == .null)
            #expect(try await app.request(.get, "/v1/feedback/W-1").json["sentiment"] == post.json["sentiment"])
            #expect(noText.json["topics"] == [])

            // Days around now, wide enough whatever the program's time zone makes of them.
            func day(_ offset: Int64) -> String {
                String(
                    Timestamp(millisecondsSinceEpoch: WallClock.system.milliseconds + offset * 86_400_000).rfc3339
                        .prefix(10))
            }
            let (from, to) = (day(-1), day(2))
            let report = try await app.request(.get, "/v1/analytics/listening?from=\(from)&to=\(to)")
            let topics = report.json["groups"]?.array.first?["top_topics"]?.array ?? []
            // W-1 (negative) and W-2 (positive) are both about delivery and taste.
            for name in ["delivery", "taste"] {
                let topic = try #require(topics.first { $0["topic"]?.string == name }, "\(report.text)")
                #expect(topic["count"] == 2 && topic["negative"] == 1 && topic["previous_count"] == 0)
                #expect(topic["mean_score"]?.number != nil)
            }

            // Moved three days back, W-2 counts in the period before, as long as this one (four days).
            try await app.store.database.write {
                try await $0.raw(
                    "UPDATE feedback SET received_at = received_at - 259200000 WHERE feedback_id = 'W-2'"
                ).run()
            }
            let trend = try await app.request(.get, "/v1/analytics/listening?from=\(from)&to=\(to)")
            let delivery = try #require(
                trend.json["groups"]?.array.first?["top_topics"]?.array.first { $0["topic"] == "delivery" })
            #expect(delivery["count"] == 1 && delivery["negative"] == 1 && delivery["previous_count"] == 1)
        }
    }

    @Test(arguments: TestDatabase.engines)
    func installedModelsAreVersionedAndAnyCanBePutBack(engine: DatabaseEngine) async throws {
        try await TestApplication.run(engine) { app in
            let builtIn = try await app.request(.post, "/v1/sentiment/classifications", json: ["text": "太难吃了"])
            #expect(builtIn.status == .ok, "\(builtIn.text)")
            #expect(builtIn.json["label"] == "negative" && builtIn.json["model_version"] == 0)
            #expect(builtIn.json["drivers"]?.array.isEmpty == false)
            let before = try await app.request(.get, "/v1/sentiment/models")
            #expect(before.json["active_version"] == 0 && before.json["data"]?.array.count == 1)
            #expect(before.json["data"]?.array.first?["active"] == true)

            let installed = try await app.request(.post, "/v1/sentiment/models", json: try Self.contraryModel())
            #expect(installed.status == .created, "\(installed.text)")
            #expect(installed.json["version"] == 1 && installed.json["active"] == true)
            #expect(installed.json["training"]?["positive"] == 3 && installed.json["training"]?["converged"] == true)
            let contrary = try await app.request(.post, "/v1/sentiment/classifications", json: ["text": "太难吃了"])
            #expect(contrary.json["label"] == "positive" && contrary.json["model_version"] == 1)
            let feedback = try await app.request(
                .post, "/v1/feedback", json: ["feedback_id": "M-1", "channel": "app", "text": "太难吃了"])
            #expect(feedback.json["sentiment"]?["label"] == "positive", "new feedback is read by the new model")

            let listed = try await app.request(.get, "/v1/sentiment/models")
            #expect(listed.json["active_version"] == 1)
            #expect(listed.json["data"]?.array.map { $0["version"] } == [0, 1])

            let back = try await app.request(.post, "/v1/sentiment/models/0/activation")
            #expect(back.status == .ok && back.json["version"] == 0 && back.json["active"] == true, "\(back.text)")
            let again = try await app.request(.post, "/v1/sentiment/classifications", json: ["text": "太难吃了"])
            #expect(again.json["label"] == "negative" && again.json["model_version"] == 0)
            #expect(
                try await app.request(.get, "/v1/feedback/M-1").json["sentiment"]?["label"] == "positive",
                "feedback keeps the reading it got")
        }
    }

    @Test(arguments: TestDatabase.engines)
    func badModelsAndVersionsAreRefusedWithNothingChanged(engine: DatabaseEngine) async throws {
        try await TestApplication.run(engine) { app in
            let other = try await app.request(
                .post, "/v1/sentiment/models", json: ["format": "other", "version": 1, "name": "x"])
            #expect(other.status == .unprocessableContent && other.isProblem, "\(other.text)")
            let unnamed = try await app.request(
                .post, "/v1/sentiment/models", json: try Self.contraryModel().setting("name", ""))
            #expect(unnamed.status == .unprocessableContent && unnamed.errorPointers == ["/name"])
            #expect(try await app.rowCount("sentiment_models") == 0)
            #expect(try await app.request(.post, "/v1/sentiment/models/7/activation").status == .notFound)
            #expect(try await app.request(.post, "/v1/sentiment/models/x/activation").status == .unprocessableContent)
            #expect(try await app.rowCount("sentiment_model_activations") == 0)
            let missing = try await app.request(.post, "/v1/sentiment/classifications", json: ["words": "好"])
            #expect(missing.status == .unprocessableContent && missing.errorPointers.contains("/text"))

            let (_, reader) = try await app.store.createAPIKey(name: "reader", scopes: [.feedbackRead])
            let refused = try await app.request(
                .post, "/v1/sentiment/models", json: try Self.contraryModel(), key: reader)
            #expect(refused.status == .forbidden)
            #expect(try await app.request(.get, "/v1/sentiment/models", key: reader).status == .ok)
        }
    }
}
