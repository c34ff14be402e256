/// How value is spread over customers: the customers ranked by value and cut into ten groups of (nearly) equal size,
/// highest first, each with its range and its share of the whole. "The top tenth holds 46% of the value" is the
/// message; it reads the same for any currency, shop size or model, which a histogram with fixed bins would not.
public struct ValueDeciles: Sendable, Hashable, Codable {
    public struct Decile: Sendable, Hashable, Codable {
        /// 1 for the most valuable tenth, 10 for the least.
        public var rank: Int
        public var customers: Int
        public var lowest: Double
        public var highest: Double
        public var total: Double
        /// This tenth's share of all customers' value; 0 when there is none.
        public var share: Double
    }

    public var deciles: [Decile]
    public var customers: Int
    public var total: Double

    /// Cuts `values` (any order; one per customer) into tenths. Fewer than ten customers give one group each.
    public init(_ values: [Double]) {
        let sorted = values.sorted(by: >)
        let total = sorted.reduce(0, +)
        let groups = min(10, sorted.count)
        self.customers = sorted.count
        self.total = total
        self.deciles = (0..<groups).map { index in
            // Group i takes the values from ⌊i·n/g⌋ up to ⌊(i+1)·n/g⌋: sizes differ by at most one.
            let slice = sorted[(index * sorted.count / groups)..<((index + 1) * sorted.count / groups)]
            let sum = slice.reduce(0, +)
            return Decile(
                rank: index + 1, customers: slice.count, lowest: slice.last ?? 0, highest: slice.first ?? 0,
                total: sum, share: total > 0 ? sum / total : 0)
        }
    }
}
