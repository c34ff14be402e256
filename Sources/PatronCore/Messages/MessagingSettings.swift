/// The program's rules for reaching members: how often marketing may, when nobody is disturbed, and the
/// opt-out text marketing SMS carry.
public struct MessagingSettings: Sendable, Hashable, Encodable {
    /// A daily window, in the program's time zone, in which no marketing message is delivered; those due inside
    /// it are held until it ends. `start` after `end` runs over midnight (21:00–08:00).
    public struct QuietHours: Sendable, Hashable {
        /// Minutes after midnight.
        public var start: Int
        public var end: Int

        public init(start: Int, end: Int) {
            self.start = start
            self.end = end
        }

        /// When the window that holds `instant` ends, or nil when `instant` is outside it.
        public func end(holding instant: Timestamp, offset: UTCOffset) -> Timestamp? {
            let day = offset.date(of: instant)
            let midnight = offset.startOf(day).millisecondsSinceEpoch
            let minute = Int((instant.millisecondsSinceEpoch - midnight) / 60_000)
            let inside = start <= end ? (start..<end).contains(minute) : minute >= start || minute < end
            guard inside else { return nil }
            let daysAhead: Int64 = start > end && minute >= start ? 1 : 0
            return Timestamp(millisecondsSinceEpoch: midnight + (daysAhead * 1_440 + Int64(end)) * 60_000)
        }
    }

    /// Nil: none.
    public var quietHours: QuietHours?
    /// Marketing messages one member may get in any 24 hours, and in any 7 days, on every channel together.
    public var marketingPerDay: Int
    public var marketingPerWeek: Int
    /// Added to every marketing SMS that does not carry it already.
    public var smsOptOut: String
    /// Messages the program sends by itself.
    public var triggers: [MessageTrigger]
    /// Members sent no marketing at all, to measure the program against.
    public var globalControl: GlobalControl

    public init(
        quietHours: QuietHours?, marketingPerDay: Int, marketingPerWeek: Int, smsOptOut: String,
        triggers: [MessageTrigger] = [], globalControl: GlobalControl = .off
    ) {
        self.quietHours = quietHours
        self.marketingPerDay = marketingPerDay
        self.marketingPerWeek = marketingPerWeek
        self.smsOptOut = smsOptOut
        self.triggers = triggers
        self.globalControl = globalControl
    }

    public static let standard = MessagingSettings(
        quietHours: QuietHours(start: 21 * 60, end: 8 * 60), marketingPerDay: 1, marketingPerWeek: 3,
        smsOptOut: "拒收请回复R")

    static func read(from reader: inout FieldReader) -> MessagingSettings {
        var settings = MessagingSettings.standard
        if reader.isNull("quiet_hours") {
            settings.quietHours = nil
        } else if let hours = reader.nested("quiet_hours", { readQuietHours(&$0) }) {
            settings.quietHours = hours
        }
        for (key, path) in [
            ("marketing_per_day", \MessagingSettings.marketingPerDay), ("marketing_per_week", \.marketingPerWeek),
        ] {
            guard let count = reader.int(key) else { continue }
            if (0...100).contains(count) {
                settings[keyPath: path] = count
            } else {
                reader.fail(key, "must be 0 to 100")
            }
        }
        if let text = reader.string("sms_opt_out", maxLength: 40) { settings.smsOptOut = text }
        settings.triggers = MessageTrigger.readList("triggers", from: &reader) ?? []
        if let control = reader.nested("global_control", { readGlobalControl(&$0) }) {
            settings.globalControl = control
        }
        return settings
    }

    private static func readQuietHours(_ reader: inout FieldReader) -> QuietHours? {
        let start = reader.string("start", required: true, maxLength: 5).flatMap { read(clock: $0, "start", &reader) }
        let end = reader.string("end", required: true, maxLength: 5).flatMap { read(clock: $0, "end", &reader) }
        guard let start, let end else { return nil }
        if start == end { reader.fail("end", "must differ from start") }
        return QuietHours(start: start, end: end)
    }

    private static func readGlobalControl(_ reader: inout FieldReader) -> GlobalControl {
        var control = GlobalControl.off
        if let percent = reader.number("percent", required: true) {
            if (0...GlobalControl.maximumPercent).contains(percent) {
                control.percent = percent
            } else {
                reader.fail("percent", "must be 0 to \(Int(GlobalControl.maximumPercent))")
            }
        }
        if let salt = reader.string("salt", maxLength: 64) {
            if salt.trimmingWhitespace().isEmpty {
                reader.fail("salt", "must not be blank")
            } else {
                control.salt = salt
            }
        }
        return control
    }

    /// Minutes after midnight of `HH:MM`.
    private static func read(clock text: String, _ key: String, _ reader: inout FieldReader) -> Int? {
        let parts = text.split(separator: ":", omittingEmptySubsequences: false)
        guard parts.count == 2, parts.allSatisfy({ $0.count == 2 && $0.allSatisfy { $0.isASCII && $0.isNumber } }),
            let hours = Int(parts[0]),
            let minutes = Int(parts[1]), (0..<24).contains(hours), (0..<60).contains(minutes)
        else {
            reader.fail(key, "must be a time of day such as 21:00")
            return nil
        }
        return hours * 60 + minutes
    }

    enum CodingKeys: String, CodingKey {
        case quietHours = "quiet_hours"
        case marketingPerDay = "marketing_per_day"
        case marketingPerWeek = "marketing_per_week"
        case smsOptOut = "sms_opt_out"
        case triggers
        case globalControl = "global_control"
    }

    private struct Window: Encodable {
        var start: String
        var end: String
    }

    private struct Control: Encodable {
        var percent: Double
        var salt: String
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        let clock = { (minutes: Int) in pad(minutes / 60, 2) + ":" + pad(minutes % 60, 2) }
        if let quietHours {
            try container.encode(
                Window(start: clock(quietHours.start), end: clock(quietHours.end)), forKey: .quietHours)
        } else {
            try container.encodeNil(forKey: .quietHours)
        }
        try container.encode(marketingPerDay, forKey: .marketingPerDay)
        try container.encode(marketingPerWeek, forKey: .marketingPerWeek)
        try container.encode(smsOptOut, forKey: .smsOptOut)
        try container.encode(triggers, forKey: .triggers)
        try container.encode(
            Control(percent: globalControl.percent, salt: globalControl.salt), forKey: .globalControl)
    }
}
