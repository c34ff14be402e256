/// Which members' totals of the orders through a local day to read, and which columns.
struct MemberTotalsScope: Sendable {
    /// The last local day whose orders count.
    var throughDay: Int
    /// Only this member.
    var memberID: String?
    /// Members from this id, included.
    var from: String?
    /// Members after this id, excluded (a page's cursor).
    var after: String?
    /// Members before this id, excluded.
    var before: String?
    /// At most this many members, the first in id order.
    var limit: Int?
    /// Whether to read the member ids; a whole base is read faster and kept smaller without them.
    var withIDs = true
    /// Whether to read the first day's spend, which costs a sort of every order by day.
    var firstDaySpend = false
    /// Whether to read revenue before refunds, without the per-member join that nets them: for a whole base whose
    /// few refunded members are corrected afterwards (``MemberTotalsColumns/takeOffRefunds(_:)``).
    var beforeRefunds = false
    /// Only members with a refund.
    var refundedOnly = false
}
