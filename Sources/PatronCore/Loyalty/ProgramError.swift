/// Why a change to the loyalty program was not made.
public enum ProgramError: Error, Sendable, Hashable {
    /// The change was meant for another version than the one in force (an `If-Match` that no longer holds).
    case versionMismatch(current: Int64)
    case ruleNotFound(ruleID: String)
}
