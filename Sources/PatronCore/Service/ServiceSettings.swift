/// The program's settings for service tickets: the team's working calendar, the targets per priority, and the
/// acknowledgement sent when feedback opens a ticket.
public struct ServiceSettings: Sendable, Hashable, Encodable {
    public var calendar: BusinessCalendar
    public var levels: ServiceLevels
    /// Told to the customer once, when their feedback opens a ticket, in their language; nil sends none.
    /// `{ticket_id}` stands for the ticket's id.
    public var acknowledgement: LocalizedName?
    /// Which queue a new ticket goes to, first match first.
    public var routing: [TicketRoute]
    /// Days a resolved ticket waits for the customer, whose message reopens it, before it closes for good.
    public var reopenDays: Int

    public init(
        calendar: BusinessCalendar, levels: ServiceLevels, acknowledgement: LocalizedName? = nil,
        routing: [TicketRoute] = [], reopenDays: Int = 7
    ) {
        self.calendar = calendar
        self.levels = levels
        self.acknowledgement = acknowledgement
        self.routing = routing
        self.reopenDays = reopenDays
    }

    /// Clock hours in China's time zone, the standard targets and a plain acknowledgement.
    public static let standard = ServiceSettings(
        calendar: .allHours, levels: .standard,
        acknowledgement: LocalizedName(
            zh: "我们已收到您的反馈（工单号 {ticket_id}），工作人员会尽快亲自回复您。感谢您告诉我们。",
            en: "We have received your feedback (ticket {ticket_id}). A member of our team will reply to you in person "
                + "soon. Thank you for telling us."))

    public static let maximumAcknowledgementLength = 1_000

    /// The acknowledgement for a ticket, in `language` (a BCP 47 tag; English for `en…`, else Chinese).
    public func acknowledgement(ticketID: String, language: String?) -> String? {
        guard let acknowledgement else { return nil }
        let text = language?.lowercased().hasPrefix("en") == true ? acknowledgement.en : acknowledgement.zh
        return text.replacing("{ticket_id}", with: ticketID)
    }

    static func read(from reader: inout FieldReader) -> ServiceSettings {
        var settings = ServiceSettings.standard
        settings.calendar =
            reader.nested("calendar") { BusinessCalendar.read(from: &$0) } ?? settings.calendar
        settings.levels = reader.nested("sla") { readLevels(from: &$0) } ?? settings.levels
        settings.routing = TicketRoute.read(from: &reader) ?? settings.routing
        if let days = reader.int("reopen_days") {
            if (0...365).contains(days) {
                settings.reopenDays = days
            } else {
                reader.fail("reopen_days", "must be 0 to 365")
            }
        }
        if reader.isNull("acknowledgement") {
            settings.acknowledgement = nil
        } else if let acknowledgement = reader.nested(
            "acknowledgement",
            { texts in
                let zh = texts.string("zh", required: true, maxLength: maximumAcknowledgementLength)
                let en = texts.string("en", required: true, maxLength: maximumAcknowledgementLength)
                for (key, text) in [("zh", zh), ("en", en)] where text?.trimmingWhitespace().isEmpty == true {
                    texts.fail(key, "must not be blank")
                }
                return LocalizedName(zh: zh ?? "", en: en ?? "")
            })
        {
            settings.acknowledgement = acknowledgement
        }
        return settings
    }

    private static func readLevels(from reader: inout FieldReader) -> ServiceLevels {
        var levels = ServiceLevels.standard
        for priority in TicketPriority.allCases {
            let standard = levels.targets(for: priority)
            guard
                let targets = reader.nested(
                    priority.rawValue,
                    { targets in
                        func minutes(_ key: String, _ fallback: Int) -> Int {
                            guard let value = targets.int(key) else { return fallback }
                            if !(1...525_600).contains(value) { targets.fail(key, "must be 1 to 525600 (a year)") }
                            return value
                        }
                        return ServiceLevels.Targets(
                            firstResponseMinutes: minutes("first_response_minutes", standard.firstResponseMinutes),
                            nextResponseMinutes: minutes("next_response_minutes", standard.nextResponseMinutes),
                            resolutionMinutes: minutes("resolution_minutes", standard.resolutionMinutes))
                    })
            else { continue }
            levels.targets[priority] = targets
        }
        if let share = reader.number("warning_share") {
            if share > 0, share < 1 {
                levels.warningShare = share
            } else {
                reader.fail("warning_share", "must be more than 0 and less than 1")
            }
        }
        return levels
    }

    enum CodingKeys: String, CodingKey {
        case calendar, sla, acknowledgement, routing
        case reopenDays = "reopen_days"
    }

    private struct Key: CodingKey {
        var stringValue: String
        var intValue: Int? { nil }
        init(_ string: String) { stringValue = string }
        init?(stringValue: String) { self.stringValue = stringValue }
        init?(intValue: Int) { nil }
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        var calendarContainer = container.nestedContainer(keyedBy: Key.self, forKey: .calendar)
        try calendarContainer.encode(calendar.utcOffset, forKey: Key("utc_offset"))
        var hours = calendarContainer.nestedContainer(keyedBy: Key.self, forKey: Key("hours"))
        for weekday in BusinessCalendar.Weekday.allCases {
            try hours.encode((calendar.hours[weekday] ?? []).map(\.text), forKey: Key(weekday.rawValue))
        }
        try calendarContainer.encode(calendar.holidays.sorted().map(\.isoString), forKey: Key("holidays"))
        try calendarContainer.encode(calendar.workingDays.sorted().map(\.isoString), forKey: Key("working_days"))
        var sla = container.nestedContainer(keyedBy: Key.self, forKey: .sla)
        for priority in TicketPriority.allCases {
            let targets = levels.targets(for: priority)
            var nested = sla.nestedContainer(keyedBy: Key.self, forKey: Key(priority.rawValue))
            try nested.encode(targets.firstResponseMinutes, forKey: Key("first_response_minutes"))
            try nested.encode(targets.nextResponseMinutes, forKey: Key("next_response_minutes"))
            try nested.encode(targets.resolutionMinutes, forKey: Key("resolution_minutes"))
        }
        try sla.encode(levels.warningShare, forKey: Key("warning_share"))
        if let acknowledgement {
            try container.encode(acknowledgement, forKey: .acknowledgement)
        } else {
            try container.encodeNil(forKey: .acknowledgement)
        }
        try container.encode(routing, forKey: .routing)
        try container.encode(reopenDays, forKey: .reopenDays)
    }
}
