import PatronCore
import Testing

/// Which addresses and URLs a webhook may go to, and when a failed delivery is tried again.
@Suite struct WebhookTargetTests {
    @Test(arguments: [
        "8.8.8.8", "1.1.1.1", "172.32.0.1", "100.128.0.1", "2606:4700:4700::1111", "2001:4860:4860::8888",
        "::ffff:8.8.8.8",
    ])
    func publicAddressesAreAllowed(text: String) throws {
        let address = try #require(NetworkAddress(text))
        #expect(address.isPublic)
    }

    @Test(arguments: [
        "127.0.0.1", "127.255.0.9", "10.1.2.3", "172.16.0.1", "172.31.255.255", "192.168.1.1", "169.254.169.254",
        "100.64.0.1", "0.0.0.0", "224.0.0.1", "255.255.255.255", "198.18.0.1", "192.0.2.7", "::1", "::",
        "fe80::1", "fc00::1", "fd12:3456::1", "ff02::1", "::ffff:127.0.0.1", "::ffff:10.0.0.1", "64:ff9b::10.0.0.1",
        "::127.0.0.1", "2001:db8::1",
    ])
    func privateAndReservedAddressesAreRefused(text: String) throws {
        let address = try #require(NetworkAddress(text))
        #expect(!address.isPublic, "\(text) reads as \(address)")
    }

    @Test(arguments: ["1.2.3", "1.2.3.4.5", "01.2.3.4", "256.1.1.1", "1::2::3", "12345::1", "a.b.c.d", "", "::g"])
    func malformedAddressesAreNotAddresses(text: String) {
        #expect(NetworkAddress(text) == nil)
    }

    @Test func ipv6ShorthandAndEmbeddedIPv4Parse() {
        #expect(NetworkAddress("::ffff:192.168.0.1") == NetworkAddress("0:0:0:0:0:ffff:c0a8:1"))
        #expect(NetworkAddress("2001:db8::") == NetworkAddress("2001:db8:0:0:0:0:0:0"))
        #expect(NetworkAddress("10.0.0.1")?.description == "10.0.0.1")
    }

    @Test func endpointURLsAreReadWithTheirHostAndPort() throws {
        let secure = try WebhookEndpointURL("https://Hooks.Example.com/patron?shop=7")
        #expect(secure.isSecure && secure.host == "hooks.example.com" && secure.port == 443)
        let literal = try WebhookEndpointURL("http://[2001:db8::1]:8080/in")
        #expect(!literal.isSecure && literal.host == "2001:db8::1" && literal.port == 8080)
        let plain = try WebhookEndpointURL("http://receiver:9000")
        #expect(plain.host == "receiver" && plain.port == 9000)
    }

    @Test(arguments: [
        ("ftp://example.com/x", WebhookEndpointURLError.scheme), ("https://user:pw@example.com/", .credentials),
        ("https://example.com/#part", .fragment), ("https://", .host), ("https://example.com:0/", .port),
        ("https://example.com:99999/", .port), ("https://exa mple.com/", .notASCII), ("https://例子.中国/", .notASCII),
        ("https://[::1/", .host),
    ])
    func badEndpointURLsAreRefusedWithTheReason(text: String, error: WebhookEndpointURLError) {
        #expect(throws: error) { try WebhookEndpointURL(text) }
    }

    @Test func theRetryScheduleIsStandardWebhooksOwn() {
        let now: Int64 = 1_000_000
        let waits = (1...8).map { WebhookRetry.nextAttempt(after: $0, at: now, jitter: 0).map { $0 - now } }
        #expect(waits == [5_000, 300_000, 1_800_000, 7_200_000, 18_000_000, 36_000_000, 36_000_000, nil])
        // Jitter stretches a wait by at most a tenth.
        #expect(WebhookRetry.nextAttempt(after: 2, at: now, jitter: 0.999_999).map { $0 - now } == 329_999)
        #expect(WebhookRetry.nextAttempt(after: 0, at: now, jitter: 0) == nil)
    }

    @Test func answersDecideTheOutcome() {
        #expect(WebhookAttemptOutcome(status: 204) == .delivered(status: 204))
        #expect(WebhookAttemptOutcome(status: 410) == .gone)
        #expect(WebhookAttemptOutcome(status: 301) == .failed(status: 301, error: "answered 301"))
        #expect(WebhookAttemptOutcome(status: 503) == .failed(status: 503, error: "answered 503"))
    }

    @Test func aDraftReportsEveryProblemAtOnce() {
        let body: JSONValue = ["url": "gopher://x", "event_types": ["order.recorded", "order.eaten"]]
        #expect {
            try WebhookEndpointDraft.parse(body)
        } throws: { error in
            guard let failure = error as? ValidationFailure else { return false }
            return Set(failure.errors.map(\.pointer)) == ["/url", "/event_types/1"]
        }
        #expect(throws: ValidationFailure.self) { try WebhookEndpointDraft.parse(["url": "https://example.com"]) }
        let draft = try? WebhookEndpointDraft.parse(
            ["url": "https://example.com/in", "event_types": ["points.earned", "points.earned"], "enabled": false])
        #expect(draft?.eventTypes == [.pointsEarned] && draft?.enabled == false)
    }

    @Test func everyPointMovementButASettlementRaisesAnEvent() {
        #expect(WebhookEventType(entryKind: .earn) == .pointsEarned)
        #expect(WebhookEventType(entryKind: .spend) == .pointsSpent)
        #expect(WebhookEventType(entryKind: .expire) == .pointsExpired)
        #expect(WebhookEventType(entryKind: .restore) == .pointsAdjusted)
        #expect(WebhookEventType(entryKind: .settle) == nil)
    }
}
