import Logging
import PatronCore
import PatronStore

/// A message rendered and ready for its channel.
struct OutgoingMessage: Sendable {
    let send: MessageSend
    let rendered: RenderedMessage
    /// The marketing email's unsubscribe link, for its `List-Unsubscribe` header.
    let unsubscribeURL: String?
}

/// Hands messages of one channel to where they go.
protocol ChannelSender: Sendable {
    /// How many messages it hands over at once.
    var parallelism: Int { get }
    func send(_ message: OutgoingMessage) async -> SendOutcome
    func shutdown() async
}

/// Sends due messages: claims a batch through the guardrails, renders each, and per channel hands them over a
/// few at a time. Each message is marked as being handed over just before, and its outcome recorded just
/// after, so a sender killed at any moment leaves at most the messages in its hands ambiguous — never one sent
/// twice, never one lost.
public struct MessageDispatcher: Sendable {
    let store: Store
    let senders: [MessageChannel: any ChannelSender]
    let links: UnsubscribeLinks
    let logger: Logger
    /// Messages claimed per round.
    var batchSize = 200

    /// A dispatcher sending on `channels`, its unsubscribe links at `publicURL`.
    public init(store: Store, channels: MessageChannels, publicURL: String, logger: Logger) {
        self.store = store
        self.senders = channels.makeSenders(clock: store.clock)
        self.links = UnsubscribeLinks(tokens: store.unsubscribeTokens, publicURL: publicURL)
        self.logger = logger
    }

    /// Closes the mail server's connections and the bridges' client.
    public func shutdown() async {
        for sender in senders.values { await sender.shutdown() }
    }

    /// Sends one batch; returns how many messages it claimed.
    @discardableResult
    public func round() async throws -> Int {
        let (_, program) = try await store.program()
        let sends = try await store.claimMessages(
            limit: batchSize, available: Set(senders.keys), program: program, at: store.clock.now)
        guard !sends.isEmpty else { return 0 }
        let work = sends.map { render($0, program: program) }
        await withTaskGroup(of: Void.self) { group in
            for (channel, sender) in senders {
                let queue = WorkQueue(work.filter { $0.send.channel == channel })
                for _ in 0..<sender.parallelism {
                    group.addTask {
                        while let message = await queue.next() { await hand(message, to: sender) }
                    }
                }
            }
        }
        return sends.count
    }

    private func render(_ send: MessageSend, program: LoyaltyProgram) -> OutgoingMessage {
        var values = send.values
        var unsubscribe: String?
        if send.channel == .email {
            let url = links.url(memberID: send.memberID)
            values.values["unsubscribe_url"] = url
            if send.category == .marketing { unsubscribe = url }
        }
        let rendered = send.content.render(values, category: send.category, smsOptOut: program.messaging.smsOptOut)
        return OutgoingMessage(send: send, rendered: rendered, unsubscribeURL: unsubscribe)
    }

    private func hand(_ message: OutgoingMessage, to sender: any ChannelSender) async {
        let send = message.send
        do {
            let started = store.clock.now
            guard let attempt = try await store.beginSending(send, at: started) else { return }
            let clock = ContinuousClock.now
            let outcome = await sender.send(message)
            let elapsed = ContinuousClock.now - clock
            let milliseconds =
                elapsed.components.seconds * 1_000 + elapsed.components.attoseconds / 1_000_000_000_000_000
            try await store.recordMessageAttempts(
                [
                    MessageAttemptResult(
                        send: send, attempt: attempt, outcome: outcome, startedAt: started,
                        durationMilliseconds: milliseconds)
                ], at: store.clock.now)
            if case .sent = outcome { return }
            logger.notice(
                "message.attempt.failed",
                metadata: [
                    "message.id": "\(send.messageID)", "channel": "\(send.channel.rawValue)", "attempt": "\(attempt)",
                    "outcome": "\(outcome)",
                ])
        } catch {
            // Its lease runs out: queued again if it was not begun, ambiguous if it was.
            logger.error(
                "message.record.failed",
                metadata: ["message.id": "\(send.messageID)", "error": "\(String(reflecting: error))"])
        }
    }
}

/// Messages handed out one at a time to a channel's workers.
private actor WorkQueue {
    private var items: [OutgoingMessage]

    init(_ items: [OutgoingMessage]) {
        self.items = items.reversed()
    }

    func next() -> OutgoingMessage? { items.popLast() }
}
