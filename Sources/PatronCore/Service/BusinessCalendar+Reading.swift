extension BusinessCalendar {
    /// A calendar as JSON: `{"utc_offset": "+08:00", "hours": {"mon": ["09:00-18:00"], …, "sun": []},
    /// "holidays": ["2026-10-01", …], "working_days": ["2026-09-27", …]}`. A weekday left out has no hours.
    static func read(from reader: inout FieldReader) -> BusinessCalendar {
        var calendar = BusinessCalendar(utcOffset: .shanghai, hours: [:])
        if let text = reader.string("utc_offset", maxLength: 16) {
            if let offset = UTCOffset(parsing: text) {
                calendar.utcOffset = offset
            } else {
                reader.fail("utc_offset", "must be an offset from UTC such as +08:00")
            }
        }
        _ = reader.nested("hours", required: true) { hours in
            for weekday in Weekday.allCases {
                guard let texts = hours.strings(weekday.rawValue, maxLength: 11) else { continue }
                var spans: [Span] = []
                for text in texts {
                    guard let span = Span(parsing: text) else {
                        hours.fail(weekday.rawValue, "must list spans such as 09:00-18:00 (24:00 ends the day)")
                        break
                    }
                    spans.append(span)
                }
                spans.sort { $0.start < $1.start }
                if zip(spans, spans.dropFirst()).contains(where: { $0.end > $1.start }) {
                    hours.fail(weekday.rawValue, "must not hold overlapping spans")
                }
                if spans.count > 6 { hours.fail(weekday.rawValue, "must hold at most 6 spans") }
                calendar.hours[weekday] = spans
            }
        }
        calendar.holidays = readDates("holidays", from: &reader)
        calendar.workingDays = readDates("working_days", from: &reader)
        if reader.errors.isEmpty, calendar.hours.values.allSatisfy(\.isEmpty), calendar.workingDays.isEmpty {
            reader.fail("hours", "must give working hours on at least one weekday")
        }
        if reader.errors.isEmpty, !calendar.holidays.isDisjoint(with: calendar.workingDays) {
            reader.fail("working_days", "must not repeat a holiday")
        }
        return calendar
    }

    private static func readDates(_ key: String, from reader: inout FieldReader) -> Set<CalendarDate> {
        guard let texts = reader.strings(key, maxLength: 10) else { return [] }
        if texts.count > 3_660 { reader.fail(key, "must hold at most 3660 dates") }
        var dates: Set<CalendarDate> = []
        for text in texts {
            guard let date = CalendarDate(iso: text) else {
                reader.fail(key, "must list dates such as 2026-10-01")
                return []
            }
            dates.insert(date)
        }
        return dates
    }
}

extension BusinessCalendar.Span {
    /// `HH:MM-HH:MM`, the end after the start; `24:00` ends the day.
    init?(parsing text: String) {
        let parts = text.split(separator: "-", omittingEmptySubsequences: false)
        guard parts.count == 2, let start = Self.minutes(parts[0]), let end = Self.minutes(parts[1]), start < end
        else { return nil }
        self.init(start: start, end: end)
    }

    private static func minutes(_ text: Substring) -> Int? {
        let parts = text.split(separator: ":", omittingEmptySubsequences: false)
        guard parts.count == 2, parts.allSatisfy({ $0.count == 2 && $0.allSatisfy { $0.isASCII && $0.isNumber } }),
            let hours = Int(parts[0]), let minutes = Int(parts[1]), (0...24).contains(hours),
            (0..<60).contains(minutes),
            hours < 24 || minutes == 0
        else { return nil }
        return hours * 60 + minutes
    }

    /// `HH:MM-HH:MM`.
    public var text: String {
        func clock(_ minutes: Int) -> String { "\(pad(minutes / 60, 2)):\(pad(minutes % 60, 2))" }
        return "\(clock(start))-\(clock(end))"
    }
}
