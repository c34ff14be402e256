extension CustomerSummary {
    /// Builds calibration summaries from raw transactions.
    ///
    /// Transactions after `calibrationEnd` are ignored, and purchases on the same day are merged into one whose
    /// amount is their sum. Frequency counts the purchase days after the first; recency is the time from the first
    /// to the last purchase day; age (T) runs from the first purchase day to `calibrationEnd`; the monetary value is
    /// the mean of the repeat purchase days (0 without any). Customers appear in order of their first transaction
    /// in the input.
    public static func summaries(
        from transactions: [Transaction], calibrationEnd: CalendarDate, unit: TimeUnit
    ) -> [CustomerSummary] {
        let endDay = calibrationEnd.daysSinceEpoch
        var numbering = CustomerNumbering()
        var purchases: [DatedAmount] = []
        purchases.reserveCapacity(transactions.count)
        for transaction in transactions {
            let day = transaction.date.daysSinceEpoch
            guard day <= endDay else { continue }
            let index = numbering.number(of: transaction.customerID)
            purchases.append(DatedAmount(customer: index, day: Int32(day), amount: transaction.amount))
        }
        let groups = PurchasesByCustomer(purchases, customerCount: numbering.identifiers.count)

        var summaries: [CustomerSummary] = []
        summaries.reserveCapacity(numbering.identifiers.count)
        for customer in numbering.identifiers.indices {
            let range = groups.purchases(of: customer)
            let firstDay = groups.days[range.lowerBound]
            var lastDay = firstDay
            var repeatDays = 0
            var repeatTotal = 0.0
            var index = range.lowerBound
            while index < range.upperBound {
                let day = groups.days[index]
                // Add up the whole day, then count it as one purchase.
                var dayTotal = 0.0
                while index < range.upperBound, groups.days[index] == day {
                    dayTotal += groups.amounts[index]
                    index += 1
                }
                if day != firstDay {
                    repeatDays += 1
                    repeatTotal += dayTotal
                    lastDay = day
                }
            }
            summaries.append(
                CustomerSummary(
                    customerID: numbering.identifiers[customer], frequency: repeatDays,
                    recency: Double(lastDay - firstDay) / unit.days,
                    age: Double(Int32(endDay) - firstDay) / unit.days,
                    monetaryValue: repeatDays > 0 ? repeatTotal / Double(repeatDays) : 0))
        }
        return summaries
    }
}

/// A purchase reduced to integers for sorting: customer position and day number.
struct DatedAmount {
    var customer: Int32
    var day: Int32
    var amount: Double
}

/// Purchases grouped by customer and, within a customer, ordered by day (purchases of one day keep their input
/// order, so sums come out the same however the groups were formed).
///
/// A counting sort on the customer position followed by a sort of each customer's few days: linear in the number
/// of purchases, where sorting them all by (customer, day) would not be.
struct PurchasesByCustomer {
    /// Where each customer's purchases start in ``days`` and ``amounts``; one more entry marks the end.
    let offsets: [Int]
    /// The days of the purchases, grouped by customer.
    let days: [Int32]
    /// The amounts of the purchases, in the same order.
    let amounts: [Double]

    init(_ purchases: [DatedAmount], customerCount: Int) {
        var offsets = [Int](repeating: 0, count: customerCount + 1)
        for purchase in purchases { offsets[Int(purchase.customer) + 1] += 1 }
        for customer in 0..<customerCount { offsets[customer + 1] += offsets[customer] }
        var next = offsets
        var days = [Int32](repeating: 0, count: purchases.count)
        var amounts = [Double](repeating: 0, count: purchases.count)
        for purchase in purchases {
            let slot = next[Int(purchase.customer)]
            days[slot] = purchase.day
            amounts[slot] = purchase.amount
            next[Int(purchase.customer)] = slot + 1
        }
        for customer in 0..<customerCount {
            Self.sortByDay(&days, &amounts, offsets[customer]..<offsets[customer + 1])
        }
        self.offsets = offsets
        self.days = days
        self.amounts = amounts
    }

    /// The positions of one customer's purchases.
    func purchases(of customer: Int) -> Range<Int> { offsets[customer]..<offsets[customer + 1] }

    /// Sorts one customer's purchases by day, stably: insertion sort for the usual handful, a library sort beyond.
    private static func sortByDay(_ days: inout [Int32], _ amounts: inout [Double], _ range: Range<Int>) {
        if range.count <= 32 {
            for index in range.dropFirst() {
                let day = days[index]
                let amount = amounts[index]
                var position = index
                while position > range.lowerBound, days[position - 1] > day {
                    days[position] = days[position - 1]
                    amounts[position] = amounts[position - 1]
                    position -= 1
                }
                days[position] = day
                amounts[position] = amount
            }
            return
        }
        let sorted = range.sorted { (days[$0], $0) < (days[$1], $1) }
        let sortedDays = sorted.map { days[$0] }
        let sortedAmounts = sorted.map { amounts[$0] }
        days.replaceSubrange(range, with: sortedDays)
        amounts.replaceSubrange(range, with: sortedAmounts)
    }
}
