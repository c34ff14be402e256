extension LoyaltyProgram {
    /// Amounts are read in the program's currency everywhere — earning, tier spend, KPIs, RFM, lifetime value —
    /// so an order in another currency is refused rather than read as if its minor units were the program's
    /// (a ¥10,000 JPY order is not ¥100.00 CNY). Patron keeps no exchange rates: convert before sending.
    public func refuseForeignCurrency(_ code: String) throws(ValidationFailure) {
        guard code != currency.code else { return }
        throw ValidationFailure(
            pointer: "/currency",
            detail: "the program accepts amounts in \(currency.code) only; convert \(code) amounts to \(currency.code) "
                + "before sending them")
    }
}

extension LoyaltyProgram {
    /// Recorded orders, points and every figure derived from them are in the currency they were recorded in, so it
    /// cannot change under them: once an order exists the program's currency is fixed.
    public func currencyChangeProblems(from current: LoyaltyProgram, ordersRecorded: Bool) -> [FieldError] {
        guard currency != current.currency, ordersRecorded else { return [] }
        return [
            FieldError(
                pointer: "/currency",
                detail: "orders are already recorded in \(current.currency.code); the program's currency cannot "
                    + "change to \(currency.code)")
        ]
    }
}
