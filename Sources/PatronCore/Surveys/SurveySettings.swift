/// The program's settings for surveys: how long links work, how often one member may be asked, and whether
/// orders invite their buyers by themselves.
public struct SurveySettings: Sendable, Hashable, Encodable {
    /// Asking a sample of buyers some days after their order.
    public struct AfterOrder: Sendable, Hashable, Encodable {
        public var kind: SurveyKind
        /// Days after the order (so the goods have arrived and been tried).
        public var days: Int
        /// The share of orders sampled, 0 to 1; which ones is fixed by the order id, so a rerun picks the same.
        public var share: Double

        public init(kind: SurveyKind, days: Int, share: Double) {
            self.kind = kind
            self.days = days
            self.share = share
        }
    }

    /// Off unless the program turns it on.
    public var afterOrder: AfterOrder?
    /// A member asked by a sampled or a relationship survey is not asked again by one for this many days
    /// (tickets' satisfaction questions are not held back: they answer for one case).
    public var memberIntervalDays: Int
    /// How long the links of invitations Patron makes by itself work.
    public var linkDays: Int

    public init(afterOrder: AfterOrder?, memberIntervalDays: Int, linkDays: Int) {
        self.afterOrder = afterOrder
        self.memberIntervalDays = memberIntervalDays
        self.linkDays = linkDays
    }

    public static let standard = SurveySettings(afterOrder: nil, memberIntervalDays: 90, linkDays: 14)
    public static let maximumLinkDays = 90

    /// Whether the order with this id is in the sample: its FNV-1a hash, its bits mixed (ids differ in their last
    /// characters, which FNV leaves in the low bits), read as a fraction of 2⁶⁴, below `share`.
    public static func samples(orderID: String, share: Double) -> Bool {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in orderID.utf8 {
            hash ^= UInt64(byte)
            hash = hash &* 0x0000_0100_0000_01b3
        }
        hash ^= hash >> 33
        hash = hash &* 0xff51_afd7_ed55_8ccd
        hash ^= hash >> 33
        hash = hash &* 0xc4ce_b9fe_1a85_ec53
        hash ^= hash >> 33
        return Double(hash) / 18_446_744_073_709_551_616.0 < share
    }

    static func read(from reader: inout FieldReader) -> SurveySettings {
        var settings = SurveySettings.standard
        settings.afterOrder = reader.nested("after_order") { after in
            let kind: SurveyKind = after.choice("kind", required: true) ?? .csat
            let days = after.int("days") ?? 3
            if !(0...365).contains(days) { after.fail("days", "must be 0 to 365") }
            let share = after.number("share") ?? 1
            if !(0...1).contains(share) { after.fail("share", "must be 0 to 1") }
            return AfterOrder(kind: kind, days: days, share: share)
        }
        if let days = reader.int("member_interval_days") {
            if (0...3_650).contains(days) {
                settings.memberIntervalDays = days
            } else {
                reader.fail("member_interval_days", "must be 0 to 3650")
            }
        }
        if let days = reader.int("link_days") {
            if (1...maximumLinkDays).contains(days) {
                settings.linkDays = days
            } else {
                reader.fail("link_days", "must be 1 to \(maximumLinkDays)")
            }
        }
        return settings
    }

    enum CodingKeys: String, CodingKey {
        case afterOrder = "after_order"
        case memberIntervalDays = "member_interval_days"
        case linkDays = "link_days"
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        if let afterOrder {
            try container.encode(afterOrder, forKey: .afterOrder)
        } else {
            try container.encodeNil(forKey: .afterOrder)
        }
        try container.encode(memberIntervalDays, forKey: .memberIntervalDays)
        try container.encode(linkDays, forKey: .linkDays)
    }
}
