import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1
import PatronCore
import PatronStore

/// Hands SMS, WeChat and push messages to the business's provider bridge for the channel: a JSON POST signed as
/// Standard Webhooks sign (`webhook-id` is the message id, the same on every retry, so the bridge can drop a
/// repeat). 2xx is sent (an answer's `reference` is kept); 408, 429 and 5xx are tried again; other 4xx are
/// refused for good (no such binding, a number the provider rejects).
struct BridgeSender: ChannelSender {
    let url: String
    let secret: String
    let client: HTTPClient
    let clock: WallClock
    var parallelism: Int { 16 }

    static let timeoutMilliseconds: Int64 = 15_000

    private struct Payload: Encodable {
        let messageID: String
        let channel: MessageChannel
        let memberID: String
        let to: String?
        let category: MessageCategory
        let language: String
        let subject: String?
        let text: String
        let source: String

        enum CodingKeys: String, CodingKey {
            case channel, to, category, language, subject, text, source
            case messageID = "message_id"
            case memberID = "member_id"
        }

        func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(messageID, forKey: .messageID)
            try container.encode(channel, forKey: .channel)
            try container.encode(memberID, forKey: .memberID)
            try container.encode(to, forKey: .to)
            try container.encode(category, forKey: .category)
            try container.encode(language, forKey: .language)
            try container.encode(subject, forKey: .subject)
            try container.encode(text, forKey: .text)
            try container.encode(source, forKey: .source)
        }
    }

    func send(_ message: OutgoingMessage) async -> SendOutcome {
        let send = message.send
        let body: [UInt8]
        do {
            body = Array(
                try JSONEncoder().encode(
                    Payload(
                        messageID: send.messageID, channel: send.channel, memberID: send.memberID, to: send.address,
                        category: send.category, language: send.content.language, subject: message.rendered.subject,
                        text: message.rendered.text, source: send.source)))
        } catch {
            return .failed(error: "could not encode the message: \(error)", permanent: true)
        }
        let timestamp = clock.milliseconds / 1_000
        var request = HTTPClientRequest(url: url)
        request.method = .POST
        request.headers.add(name: "Content-Type", value: "application/json")
        request.headers.add(name: "User-Agent", value: "Patron-Messages/1")
        request.headers.add(name: "webhook-id", value: send.messageID)
        request.headers.add(name: "webhook-timestamp", value: String(timestamp))
        request.headers.add(
            name: "webhook-signature",
            value: WebhookSignature.header(secrets: [secret], id: send.messageID, timestamp: timestamp, body: body))
        request.body = .bytes(body)
        do {
            let response = try await client.execute(request, timeout: .milliseconds(Self.timeoutMilliseconds))
            let answer = try? await response.body.collect(upTo: 64 << 10)
            let status = Int(response.status.code)
            switch status {
            case 200..<300:
                let reference = answer.flatMap { try? JSONSerialization.jsonObject(with: Data($0.readableBytesView)) }
                    .flatMap { ($0 as? [String: Any])?["reference"] as? String }
                return .sent(reference: reference.map { String($0.prefix(200)) })
            case 408, 429, 500..<600:
                return .failed(error: "the bridge answered \(status)", permanent: false)
            default:
                return .failed(error: "the bridge refused it with \(status)", permanent: true)
            }
        } catch {
            // The bridge drops a repeat by its webhook-id, so an unanswered request is simply tried again.
            return .failed(error: "the bridge did not answer: \(WebhookDispatcher.describe(error))", permanent: false)
        }
    }

    /// The bridges share one client: the first to stop shuts it down, and the others' tries change nothing.
    func shutdown() async {
        try? await client.shutdown()
    }
}
