import PatronCore
import Testing

/// Working time across evenings, weekends, holidays and the Sundays mainland China works to make long holidays.
@Suite struct BusinessCalendarTests {
    /// Monday to Friday, 09:00–12:00 and 13:00–18:00 in +08:00.
    static let office = BusinessCalendar(
        utcOffset: .shanghai,
        hours: Dictionary(
            uniqueKeysWithValues: [BusinessCalendar.Weekday.mon, .tue, .wed, .thu, .fri].map {
                ($0, [BusinessCalendar.Span(start: 540, end: 720), BusinessCalendar.Span(start: 780, end: 1_080)])
            }))

    /// A local time in +08:00.
    static func at(_ text: String) -> Timestamp {
        Timestamp(rfc3339: text + "+08:00")!
    }

    @Test func weekdaysFollowTheCalendar() {
        #expect(BusinessCalendar.weekday(of: CalendarDate(year: 1970, month: 1, day: 1)) == .thu)
        #expect(BusinessCalendar.weekday(of: CalendarDate(year: 2026, month: 12, day: 1)) == .tue)
        #expect(BusinessCalendar.weekday(of: CalendarDate(year: 2026, month: 12, day: 6)) == .sun)
        #expect(BusinessCalendar.weekday(of: CalendarDate(year: 1969, month: 12, day: 31)) == .wed)
    }

    @Test func targetsSkipNightsLunchAndWeekends() {
        let hour: Int64 = 3_600_000
        // Friday 17:00 plus two working hours: one on Friday, one on Monday morning.
        #expect(Self.office.adding(2 * hour, to: Self.at("2026-12-04T17:00:00")) == Self.at("2026-12-07T10:00:00"))
        // Through lunch: 11:30 plus one hour is 13:30.
        #expect(Self.office.adding(hour, to: Self.at("2026-12-01T11:30:00")) == Self.at("2026-12-01T13:30:00"))
        // Opened on a Saturday, nothing counts until Monday 09:00.
        #expect(Self.office.adding(0, to: Self.at("2026-12-05T12:00:00")) == Self.at("2026-12-07T09:00:00"))
        // Exactly a day's hours ends at the day's close, not the next morning.
        #expect(Self.office.adding(8 * hour, to: Self.at("2026-12-01T09:00:00")) == Self.at("2026-12-01T18:00:00"))
        #expect(
            Self.office.workingTime(from: Self.at("2026-12-04T17:00:00"), to: Self.at("2026-12-07T10:00:00"))
                == 2 * hour)
        #expect(Self.office.workingTime(from: Self.at("2026-12-05T08:00:00"), to: Self.at("2026-12-06T20:00:00")) == 0)
    }

    @Test func holidaysAreOffAndMovedWorkingDaysAreOn() {
        let hour: Int64 = 3_600_000
        var calendar = Self.office
        calendar.holidays = [CalendarDate(year: 2026, month: 12, day: 7)]
        #expect(calendar.adding(2 * hour, to: Self.at("2026-12-04T17:00:00")) == Self.at("2026-12-08T10:00:00"))
        // The Sunday is worked, with a Monday's hours.
        calendar.workingDays = [CalendarDate(year: 2026, month: 12, day: 6)]
        #expect(calendar.adding(2 * hour, to: Self.at("2026-12-04T17:00:00")) == Self.at("2026-12-06T10:00:00"))
        let never = BusinessCalendar(utcOffset: .shanghai, hours: [:])
        #expect(never.adding(0, to: Self.at("2026-12-04T17:00:00")) == nil)
    }

    @Test func deadlinesWarnAtFourFifthsAndKeepTimeSpentBeforeAPause() throws {
        let times = try #require(
            DeadlineTimes.of(
                minutes: 120, from: Self.at("2026-12-04T17:00:00"), warningShare: 0.8, calendar: Self.office))
        #expect(times.dueAt == Self.at("2026-12-07T10:00:00"))
        #expect(times.warnAt == Self.at("2026-12-07T09:36:00"))
        // 90 of 120 minutes spent before the customer was asked something; they answer on Tuesday 14:00.
        let resumed = try #require(
            DeadlineTimes.of(
                minutes: 120, from: Self.at("2026-12-08T14:00:00"), elapsed: 90 * 60_000, warningShare: 0.8,
                calendar: Self.office))
        #expect(resumed.dueAt == Self.at("2026-12-08T14:30:00"))
        #expect(resumed.warnAt == Self.at("2026-12-08T14:06:00"))
    }

    /// The worked example of docs/listening.md, with the calendar it shows.
    @Test func theDocumentedExampleHolds() throws {
        let program = try LoyaltyProgram.parse([
            "service": [
                "calendar": [
                    "utc_offset": "+08:00",
                    "hours": [
                        "mon": ["09:00-12:00", "13:00-18:00"], "tue": ["09:00-18:00"], "wed": ["09:00-18:00"],
                        "thu": ["09:00-18:00"], "fri": ["09:00-18:00"], "sat": [], "sun": [],
                    ],
                    "holidays": ["2026-10-01", "2026-10-02"], "working_days": ["2026-09-27"],
                ]
            ]
        ])
        let calendar = program.service.calendar
        let opened = Self.at("2026-12-04T17:00:00")
        let first = try #require(DeadlineTimes.of(minutes: 480, from: opened, warningShare: 0.8, calendar: calendar))
        #expect(first.dueAt == Self.at("2026-12-07T17:00:00") && first.warnAt == Self.at("2026-12-07T15:24:00"))
        let used = calendar.workingTime(from: opened, to: Self.at("2026-12-07T10:30:00"))
        #expect(used == 150 * 60_000)
        let resolution = try #require(
            DeadlineTimes.of(
                minutes: 2_880, from: Self.at("2026-12-08T14:00:00"), elapsed: used, warningShare: 0.8,
                calendar: calendar))
        #expect(resolution.dueAt == Self.at("2026-12-15T15:30:00"))
    }

    @Test func calendarsAreReadWithEveryProblemAtItsPointer() throws {
        let program = try LoyaltyProgram.parse([
            "service": [
                "calendar": [
                    "utc_offset": "+08:00",
                    "hours": ["mon": ["09:00-18:00"], "tue": ["09:00-12:00", "13:00-24:00"], "sat": []],
                    "holidays": ["2026-10-01"], "working_days": ["2026-09-27"],
                ]
            ]
        ])
        let calendar = program.service.calendar
        #expect(calendar.hours[.tue] == [.init(start: 540, end: 720), .init(start: 780, end: 1_440)])
        #expect(calendar.spans(on: CalendarDate(year: 2026, month: 9, day: 27)) == [.init(start: 540, end: 1_080)])
        #expect(calendar.spans(on: CalendarDate(year: 2026, month: 10, day: 1)).isEmpty)
        #expect(LoyaltyProgram.standard.service.calendar == .allHours)
        do {
            _ = try LoyaltyProgram.parse([
                "service": [
                    "calendar": [
                        "utc_offset": "Beijing",
                        "hours": ["mon": ["18:00-09:00"], "tue": ["09:00-13:00", "12:00-14:00"], "wed": ["9-5"]],
                        "holidays": ["2026-02-30"],
                    ],
                    "sla": ["urgent": ["first_response_minutes": 0], "warning_share": 1.5],
                ]
            ])
            Issue.record("a broken calendar was accepted")
        } catch {
            #expect(
                error.errors.map(\.pointer) == [
                    "/service/calendar/utc_offset", "/service/calendar/hours/mon", "/service/calendar/hours/tue",
                    "/service/calendar/hours/wed", "/service/calendar/holidays",
                    "/service/sla/urgent/first_response_minutes",
                    "/service/sla/warning_share",
                ])
        }
    }
}
