/// A calendar month, for cohort keys.
public struct YearMonth: Sendable, Hashable, Comparable, Codable, CustomStringConvertible {
    /// The year.
    public var year: Int
    /// The month, 1…12.
    public var month: Int

    /// Creates a month.
    public init(year: Int, month: Int) {
        self.year = year
        self.month = month
    }

    /// The month containing `date`.
    public init(_ date: CalendarDate) {
        self.init(year: date.year, month: date.month)
    }

    /// The month with the given number of months since January 1970.
    init(index: Int) {
        let yearOffset = index >= 0 ? index / 12 : (index - 11) / 12
        self.init(year: 1970 + yearOffset, month: index - yearOffset * 12 + 1)
    }

    /// YYYY-MM.
    public var description: String {
        let monthText = month < 10 ? "0\(month)" : "\(month)"
        return "\(year)-\(monthText)"
    }

    public static func < (left: YearMonth, right: YearMonth) -> Bool {
        (left.year, left.month) < (right.year, right.month)
    }
}

/// Retention by cohort of first-order month.
///
/// Row c holds the customers whose first order fell in month c; column k counts how many of them ordered in the
/// k-th month after it (column 0 is the whole cohort). Columns run to the last month seen in the data.
public struct CohortRetentionMatrix: Sendable, Hashable, Codable {
    /// One cohort's row.
    public struct Cohort: Sendable, Hashable, Codable {
        /// The month of the cohort's first orders.
        public var month: YearMonth
        /// Customers in the cohort.
        public var size: Int
        /// Active customers per month offset, starting with the cohort month itself.
        public var activeCustomers: [Int]

        /// Active customers as a percentage of the cohort, per month offset.
        public var retentionRates: [Double] {
            activeCustomers.map { 100 * Double($0) / Double(size) }
        }
    }

    /// The cohorts, oldest first.
    public var cohorts: [Cohort]

    /// Builds the matrix from orders (only the customer and date are used).
    public init(orders: [Transaction]) {
        var firstMonth: [String: Int] = [:]
        for order in orders {
            let month = order.date.monthIndex
            if let known = firstMonth[order.customerID], known <= month { continue }
            firstMonth[order.customerID] = month
        }
        guard let lastMonth = orders.map(\.date.monthIndex).max() else {
            self.cohorts = []
            return
        }
        struct CustomerMonth: Hashable {
            var customer: String
            var month: Int
        }
        var seen = Set<CustomerMonth>()
        var counts: [Int: [Int]] = [:]
        for month in Set(firstMonth.values) { counts[month] = Array(repeating: 0, count: lastMonth - month + 1) }
        for order in orders {
            let month = order.date.monthIndex
            guard let first = firstMonth[order.customerID],
                seen.insert(CustomerMonth(customer: order.customerID, month: month)).inserted
            else { continue }
            counts[first]?[month - first] += 1
        }
        self.cohorts = counts.keys.sorted().map { month in
            let row = counts[month] ?? []
            return Cohort(
                month: YearMonth(index: month), size: row.first ?? 0,
                activeCustomers: row)
        }
    }
}
