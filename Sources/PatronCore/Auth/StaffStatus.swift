/// Where a staff account stands: invited until its set-up link is used, then active until disabled.
public enum StaffStatus: String, Sendable, Hashable, Codable, CaseIterable {
    case invited
    case active
    case disabled
}
