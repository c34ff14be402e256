import PatronCore
import Testing

@Suite struct NormalisationTests {
    @Test(arguments: [
        ("13800138000", "+8613800138000"),
        ("138 0013 8000", "+8613800138000"),
        ("+86 138-0013-8000", "+8613800138000"),
        ("8613800138000", "+8613800138000"),
        ("0086 13800138000", "+8613800138000"),
        ("021-12345678", "+862112345678"),
        ("+1 (415) 555-0100", "+14155550100"),
        ("+44 20 7946 0958", "+442079460958"),
    ])
    func phoneNumbersBecomeE164(input: String, expected: String) {
        #expect(PhoneNumber(input)?.e164 == expected)
    }

    @Test(arguments: ["", "12345", "abc", "1380013800", "+86 1380013800", "555-0100", "+0123456789", "１３８"])
    func malformedPhoneNumbersAreRefused(input: String) {
        #expect(PhoneNumber(input) == nil)
    }

    @Test func emailsAreTrimmedAndLowerCased() {
        #expect(EmailAddress("  Li.Lei@Example.COM ")?.value == "li.lei@example.com")
        #expect(EmailAddress("li lei@example.com") == nil)
        #expect(EmailAddress("li.lei@example") == nil)
        #expect(EmailAddress("@example.com") == nil)
        #expect(EmailAddress("a@b@example.com") == nil)
    }

    @Test func timestampsRoundTripThroughRFC3339() throws {
        let noon = try #require(Timestamp(rfc3339: "2026-11-01T10:15:00Z"))
        #expect(noon.millisecondsSinceEpoch == 1_793_528_100_000)
        #expect(noon.rfc3339 == "2026-11-01T10:15:00Z")
        #expect(Timestamp(rfc3339: "2026-11-01T18:15:00+08:00") == noon)
        #expect(Timestamp(rfc3339: "2026-11-01T10:15:00.25Z")?.rfc3339 == "2026-11-01T10:15:00.250Z")
        #expect(Timestamp(rfc3339: "1969-12-31T23:59:59.999Z")?.rfc3339 == "1969-12-31T23:59:59.999Z")
        for bad in ["2026-11-01", "2026-02-30T00:00:00Z", "2026-11-01T10:15:00", "2026-11-01T25:00:00Z", "soon"] {
            #expect(Timestamp(rfc3339: bad) == nil, "\(bad)")
        }
    }

    @Test func calendarDaysCountFromTheEpoch() {
        for days in stride(from: -800_000, through: 800_000, by: 997) {
            #expect(CalendarDate(daysSinceEpoch: days).daysSinceEpoch == days)
        }
        #expect(CalendarDate(year: 2000, month: 3, day: 1).daysSinceEpoch == 11_017)
        #expect(CalendarDate(iso: "2024-02-29") != nil)
        #expect(CalendarDate(iso: "2023-02-29") == nil)
    }

    @Test func currenciesAreISO4217Codes() {
        #expect(Currency(code: "CNY")?.minorUnitDigits == 2)
        #expect(Currency(code: "JPY")?.minorUnitDigits == 0)
        #expect(Currency(code: "KWD")?.minorUnitDigits == 3)
        #expect(Currency(code: "cny") == nil)
        #expect(Currency(code: "XXX") == nil)
        #expect(Currency(code: "RMB") == nil)
    }

    @Test func scopeListsAreParsed() throws {
        #expect(try Scope.parseList("orders:write, members:read").get() == [.ordersWrite, .membersRead])
        #expect(throws: ScopeError.unknown("orders:delete")) { try Scope.parseList("orders:delete").get() }
        #expect(Set([Scope.admin]).permits(.eventsWrite))
        #expect(!Set([Scope.ordersRead]).permits(.ordersWrite))
    }
}
