import PatronAnalytics
import PatronCore
import SQLKit

/// One member's orders up to a reference day, reduced in SQL to what RFM, lifecycle stages and the customer-base
/// models need. Days are the program's local days, counted since 1970-01-01.
public struct MemberPurchaseTotals: Sendable, Hashable, Decodable {
    public var memberID: String
    /// The local day of the first order.
    public var firstDay: Int
    /// The local day of the last order.
    public var lastDay: Int
    /// Days with at least one order (several orders on one day count once, as the models expect).
    public var purchaseDays: Int
    /// Orders.
    public var orderCount: Int
    /// Total spend, in minor units.
    public var revenueMinor: Int64
    /// Spend on the first order day, which the spend model leaves out (it models repeat purchases only); nil when
    /// not asked for, since finding it costs a sort of every order by day.
    public var firstDayRevenueMinor: Int64?

    public init(
        memberID: String, firstDay: Int, lastDay: Int, purchaseDays: Int, orderCount: Int, revenueMinor: Int64,
        firstDayRevenueMinor: Int64?
    ) {
        self.memberID = memberID
        self.firstDay = firstDay
        self.lastDay = lastDay
        self.purchaseDays = purchaseDays
        self.orderCount = orderCount
        self.revenueMinor = revenueMinor
        self.firstDayRevenueMinor = firstDayRevenueMinor
    }

    private enum CodingKeys: String, CodingKey {
        case memberID = "member_id"
        case firstDay = "first_day"
        case lastDay = "last_day"
        case purchaseDays = "purchase_days"
        case orderCount = "order_count"
        case revenueMinor = "revenue_minor"
        case firstDayRevenueMinor = "first_day_revenue_minor"
    }
}

extension MemberPurchaseTotals {
    /// The calibration summary at the end of `referenceDay`, in `unit`s: repeat order days, the time from the first
    /// to the last order day, the time from the first order day to the reference day, and the mean spend of the
    /// repeat order days in minor units (0 when ``firstDayRevenueMinor`` is nil).
    public func summary(referenceDay: Int, unit: TimeUnit) -> CustomerSummary {
        let repeatDays = purchaseDays - 1
        var monetaryValue = 0.0
        if repeatDays > 0, let firstDayRevenueMinor {
            monetaryValue = Double(revenueMinor - firstDayRevenueMinor) / Double(repeatDays)
        }
        return CustomerSummary(
            customerID: memberID, frequency: repeatDays, recency: Double(lastDay - firstDay) / unit.days,
            age: Double(referenceDay - firstDay) / unit.days, monetaryValue: monetaryValue)
    }
}

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
}

/// The SQL behind the analytics reads. Only orders in the program's currency count: amounts in different
/// currencies cannot be added up.
enum AnalyticsQueries {
    static let millisecondsPerDay: Int64 = 86_400_000

    /// The local day number of `orders.occurred_at`, as SQL (integer division; orders are after 1970).
    static func localDay(offset: UTCOffset) -> SQLQueryString {
        "(occurred_at + \(unsafeRaw: String(Int64(offset.minutes) * 60_000))) / \(unsafeRaw: String(millisecondsPerDay))"
    }

    /// The SQL of the per-member totals in `scope`, in this column order (which the PostgreSQL reader relies on):
    /// member_id (when ``MemberTotalsScope/withIDs``), first_day, last_day, purchase_days, order_count,
    /// revenue_minor, and first_day_revenue_minor (when ``MemberTotalsScope/firstDaySpend``).
    ///
    /// Without the first day's spend this is one pass over the covering index `orders_for_analytics` in member
    /// order (distinct days are counted per member); with it, orders are first reduced to (member, day), which needs
    /// a sort, and a window finds each member's first day so that the same pass adds up that day's spend. With a
    /// limit, the members come in id order and the pass stops after the last of them.
    static func memberTotalsQuery(_ scope: MemberTotalsScope, program: LoyaltyProgram) -> SQLQueryString {
        let offset = program.utcOffset
        let cutoff = offset.startOf(PatronCore.CalendarDate(daysSinceEpoch: scope.throughDay + 1))
            .millisecondsSinceEpoch
        var filter: SQLQueryString =
            "occurred_at < \(bind: cutoff) AND currency = \(bind: program.currency.code)"
        if let memberID = scope.memberID { filter = filter + " AND member_id = \(bind: memberID)" }
        if let from = scope.from { filter = filter + " AND member_id >= \(bind: from)" }
        if let after = scope.after { filter = filter + " AND member_id > \(bind: after)" }
        if let before = scope.before { filter = filter + " AND member_id < \(bind: before)" }
        let id: SQLQueryString = scope.withIDs ? "member_id, " : ""
        let page: SQLQueryString = scope.limit.map { " ORDER BY member_id LIMIT \(unsafeRaw: String($0))" } ?? ""
        if scope.firstDaySpend {
            return """
                SELECT \(id)CAST(MIN(day) AS BIGINT) AS first_day, CAST(MAX(day) AS BIGINT) AS last_day,
                       CAST(COUNT(*) AS BIGINT) AS purchase_days, CAST(SUM(orders) AS BIGINT) AS order_count,
                       CAST(SUM(revenue) AS BIGINT) AS revenue_minor,
                       CAST(SUM(CASE WHEN day = first_day THEN revenue ELSE 0 END) AS BIGINT) AS first_day_revenue_minor
                FROM (
                    SELECT member_id, day, orders, revenue, MIN(day) OVER (PARTITION BY member_id) AS first_day
                    FROM (
                        SELECT member_id, \(localDay(offset: offset)) AS day, COUNT(*) AS orders,
                               SUM(total_minor) AS revenue
                        FROM orders WHERE \(filter)
                        GROUP BY member_id, day
                    ) AS member_days
                ) AS member_days_with_first
                GROUP BY member_id\(page)
                """
        }
        return """
            SELECT \(id)CAST(MIN(day) AS BIGINT) AS first_day, CAST(MAX(day) AS BIGINT) AS last_day,
                   CAST(COUNT(DISTINCT day) AS BIGINT) AS purchase_days, CAST(COUNT(*) AS BIGINT) AS order_count,
                   CAST(SUM(total_minor) AS BIGINT) AS revenue_minor
            FROM (
                SELECT member_id, \(localDay(offset: offset)) AS day, total_minor FROM orders WHERE \(filter)
            ) AS dated_orders
            GROUP BY member_id\(page)
            """
    }

    /// The totals of one row of ``memberTotalsQuery(_:program:)``.
    static func decode(_ row: any SQLRow, scope: MemberTotalsScope) throws -> MemberPurchaseTotals {
        func integer(_ column: String) throws -> Int64 { try row.decode(column: column, as: Int64.self) }
        return MemberPurchaseTotals(
            memberID: scope.withIDs ? try row.decode(column: "member_id", as: String.self) : "",
            firstDay: Int(try integer("first_day")), lastDay: Int(try integer("last_day")),
            purchaseDays: Int(try integer("purchase_days")), orderCount: Int(try integer("order_count")),
            revenueMinor: try integer("revenue_minor"),
            firstDayRevenueMinor: scope.firstDaySpend ? try integer("first_day_revenue_minor") : nil)
    }

    /// The per-member totals in `scope`, all at once: for one member or a page of them.
    static func memberTotals(
        _ scope: MemberTotalsScope, program: LoyaltyProgram, in database: any SQLDatabase
    ) async throws -> [MemberPurchaseTotals] {
        try await database.raw(memberTotalsQuery(scope, program: program)).all().map {
            try decode($0, scope: scope)
        }
    }

    /// One member's RFM scores among every customer through `throughDay`, from three counts of customers with a
    /// worse value, taken in the database: nothing per customer leaves it, so one member's insights cost one scan
    /// and no memory. The scores equal those ``CustomerBase`` gives the whole base.
    static func score(
        of member: MemberPurchaseTotals, throughDay: Int, program: LoyaltyProgram, in database: any SQLDatabase
    ) async throws -> RFMScore {
        let offset = program.utcOffset
        let cutoff = offset.startOf(PatronCore.CalendarDate(daysSinceEpoch: throughDay + 1)).millisecondsSinceEpoch
        let row = try await database.raw(
            """
            SELECT CAST(COUNT(*) AS BIGINT) AS customers,
                   CAST(SUM(CASE WHEN last_day < \(bind: Int64(member.lastDay)) THEN 1 ELSE 0 END) AS BIGINT)
                       AS worse_recency,
                   CAST(SUM(CASE WHEN purchase_days < \(bind: Int64(member.purchaseDays)) THEN 1 ELSE 0 END) AS BIGINT)
                       AS worse_frequency,
                   CAST(SUM(CASE WHEN revenue_minor < \(bind: member.revenueMinor) THEN 1 ELSE 0 END) AS BIGINT)
                       AS worse_monetary
            FROM (
                SELECT member_id, MAX(day) AS last_day, COUNT(DISTINCT day) AS purchase_days,
                       SUM(total_minor) AS revenue_minor
                FROM (
                    SELECT member_id, \(localDay(offset: offset)) AS day, total_minor FROM orders
                    WHERE occurred_at < \(bind: cutoff) AND currency = \(bind: program.currency.code)
                ) AS dated_orders
                GROUP BY member_id
            ) AS totals
            """
        ).first()
        func count(_ column: String) throws -> Int { Int(try row?.decode(column: column, as: Int64.self) ?? 0) }
        let customers = max(try count("customers"), 1)
        return RFMScore(
            recency: RFMAnalysis.quintileScore(worse: try count("worse_recency"), count: customers),
            frequency: RFMAnalysis.quintileScore(worse: try count("worse_frequency"), count: customers),
            monetary: RFMAnalysis.quintileScore(worse: try count("worse_monetary"), count: customers))
    }
}
