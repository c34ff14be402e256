import PatronCore
import Testing

@Suite struct OrderSubmissionTests {
    /// The order of the API documentation.
    static let example: JSONValue = [
        "order_id": "A-1001",
        "member": ["external_id": "u-42", "email": "li.lei@example.com", "phone": "13800138000", "name": "李雷"],
        "occurred_at": "2026-11-01T10:15:00Z", "currency": "CNY", "channel": "store", "store_id": "SH-01",
        "lines": [["sku": "LATTE-L", "name": "拿铁 大杯", "category": "coffee", "quantity": 2, "unit_price_minor": 3200]],
        "discount_minor": 0, "total_minor": 6400,
    ]

    /// Five minutes after the example order.
    static let receivedAt = Timestamp(rfc3339: "2026-11-01T10:20:00Z")!

    static func example(changing key: String, to value: JSONValue?) -> JSONValue {
        guard case .object(var fields) = example else { return example }
        fields[key] = value
        return .object(fields)
    }

    static func example(line: JSONValue, total: Int) -> JSONValue {
        guard case .object(var fields) = example else { return example }
        fields["lines"] = [line]
        fields["total_minor"] = .number(Double(total))
        return .object(fields)
    }

    func pointers(_ body: JSONValue) -> [String] {
        do {
            _ = try OrderSubmission.parse(body, receivedAt: Self.receivedAt)
            return []
        } catch {
            return error.errors.map(\.pointer)
        }
    }

    @Test func theDocumentedOrderIsValid() throws {
        let order = try OrderSubmission.parse(Self.example, receivedAt: Self.receivedAt)
        #expect(order.orderID == "A-1001")
        #expect(order.totalMinor == 6400)
        #expect(order.subtotalMinor == 6400)
        #expect(order.channel == .store)
        guard case .profile(let profile) = order.customer else {
            Issue.record("expected a profile")
            return
        }
        #expect(profile.phone?.e164 == "+8613800138000")
        #expect(profile.email?.value == "li.lei@example.com")
    }

    @Test func totalsMustMatchTheLines() {
        #expect(pointers(Self.example(changing: "total_minor", to: 6300)) == ["/total_minor"])
        let discounted = Self.example(changing: "discount_minor", to: 400)
        #expect(pointers(discounted) == ["/total_minor"])
        guard case .object(var fields) = discounted else {
            Issue.record("the example order is a JSON object")
            return
        }
        fields["total_minor"] = 6000
        fields["shipping_minor"] = 800
        #expect(pointers(.object(fields)) == ["/total_minor"])
        fields["total_minor"] = 6800
        #expect(pointers(.object(fields)) == [])
        #expect(pointers(Self.example(changing: "discount_minor", to: 7000)) == ["/discount_minor"])
    }

    @Test(arguments: [0, -1, 1_000_001])
    func quantitiesMustBePositive(quantity: Int) {
        let body = Self.example(
            line: ["sku": "LATTE-L", "quantity": .number(Double(quantity)), "unit_price_minor": 3200], total: 3200)
        #expect(pointers(body) == ["/lines/0/quantity"])
    }

    @Test func wrongTypesAndMissingFieldsAreReportedTogether() {
        let body: JSONValue = [
            "order_id": 17, "member": ["email": "not-an-email"], "occurred_at": "yesterday", "currency": "XXX",
            "channel": "fax", "lines": [["sku": "A", "quantity": "2", "unit_price_minor": 1.5]], "total_minor": -1,
        ]
        #expect(
            Set(pointers(body)) == [
                "/order_id", "/member/email", "/occurred_at", "/currency", "/channel", "/lines/0/quantity",
                "/lines/0/unit_price_minor", "/total_minor",
            ])
        #expect(
            Set(pointers(.object([:]))) == [
                "/order_id", "/member", "/occurred_at", "/currency", "/lines", "/total_minor",
            ])
        #expect(pointers(.array([])) == ["/"])
        #expect(pointers(Self.example(changing: "lines", to: [])) == ["/lines"])
    }

    @Test func aMemberNeedsSomethingToBeFoundBy() {
        #expect(pointers(Self.example(changing: "member", to: ["name": "李雷"])) == ["/member/external_id"])
        let byID = Self.example(changing: "member", to: nil)
        guard case .object(var fields) = byID else {
            Issue.record("the example order is a JSON object")
            return
        }
        fields["member_id"] = "mem_123"
        #expect(pointers(.object(fields)) == [])
    }

    @Test func eventsNeedAUserAndATypeAndTrackNeedsAName() throws {
        func pointers(_ body: JSONValue) -> [String] {
            do {
                _ = try EventSubmission.parse(body, pointer: "/batch/3", receivedAt: EventSubmissionTests.now)
                return []
            } catch {
                return error.errors.map(\.pointer)
            }
        }
        #expect(pointers(["type": "track", "user_id": "u-1"]) == ["/batch/3/event"])
        #expect(pointers(["type": "page", "user_id": "u-1"]) == ["/batch/3/type"])
        #expect(pointers(["type": "identify"]) == ["/batch/3/user_id"])
        let identify = try EventSubmission.parse(
            [
                "type": "identify", "user_id": "u-1", "traits": ["email": " A@B.CN ", "phone": "13900139000"],
            ], receivedAt: EventSubmissionTests.now)
        #expect(identify.profile.email?.value == "a@b.cn")
        #expect(identify.profile.phone?.e164 == "+8613900139000")
        do {
            _ = try EventSubmission.parse(
                ["type": "identify", "user_id": "u-1", "traits": ["email": "x"]], pointer: "/batch/4",
                receivedAt: EventSubmissionTests.now)
            Issue.record("a bad email trait was accepted")
        } catch {
            #expect(error.errors.map(\.pointer) == ["/batch/4/traits/email"])
        }
    }

    @Test func anOrderMayNotLieMoreThanTheClockSkewInTheFuture() {
        func pointers(occurredAt: String, receivedAt: String) -> [String] {
            do {
                _ = try OrderSubmission.parse(
                    Self.example(changing: "occurred_at", to: .string(occurredAt)),
                    receivedAt: Timestamp(rfc3339: receivedAt)!)
                return []
            } catch {
                return error.errors.map(\.pointer)
            }
        }
        #expect(OrderSubmission.maximumClockSkewMilliseconds == 300_000)
        #expect(pointers(occurredAt: "2026-11-01T10:05:00Z", receivedAt: "2026-11-01T10:00:00Z") == [])
        #expect(
            pointers(occurredAt: "2026-11-01T10:05:00.001Z", receivedAt: "2026-11-01T10:00:00Z") == ["/occurred_at"])
        #expect(pointers(occurredAt: "2030-01-01T00:00:00Z", receivedAt: "2026-11-01T10:00:00Z") == ["/occurred_at"])
        #expect(pointers(occurredAt: "1999-06-01T10:00:00Z", receivedAt: "2026-11-01T10:00:00Z") == [])
    }
}
