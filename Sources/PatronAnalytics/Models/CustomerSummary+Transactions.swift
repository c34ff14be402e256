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
        var customerIndex: [String: Int32] = [:]
        var customerIDs: [String] = []
        var purchases: [DatedAmount] = []
        purchases.reserveCapacity(transactions.count)
        for transaction in transactions {
            let day = transaction.date.daysSinceEpoch
            guard day <= endDay else { continue }
            let index: Int32
            if let known = customerIndex[transaction.customerID] {
                index = known
            } else {
                index = Int32(customerIDs.count)
                customerIndex[transaction.customerID] = index
                customerIDs.append(transaction.customerID)
            }
            purchases.append(DatedAmount(customer: index, day: Int32(day), amount: transaction.amount))
        }
        purchases.sort { ($0.customer, $0.day) < ($1.customer, $1.day) }

        var summaries: [CustomerSummary] = []
        summaries.reserveCapacity(customerIDs.count)
        var start = 0
        while start < purchases.count {
            let customer = purchases[start].customer
            let firstDay = purchases[start].day
            var lastDay = firstDay
            var repeatDays = 0
            var repeatTotal = 0.0
            var index = start
            while index < purchases.count, purchases[index].customer == customer {
                let day = purchases[index].day
                // Add up the whole day, then count it as one purchase.
                var dayTotal = 0.0
                while index < purchases.count, purchases[index].customer == customer, purchases[index].day == day {
                    dayTotal += purchases[index].amount
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
                    customerID: customerIDs[Int(customer)], frequency: repeatDays,
                    recency: Double(lastDay - firstDay) / unit.days,
                    age: Double(Int32(endDay) - firstDay) / unit.days,
                    monetaryValue: repeatDays > 0 ? repeatTotal / Double(repeatDays) : 0))
            start = index
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
