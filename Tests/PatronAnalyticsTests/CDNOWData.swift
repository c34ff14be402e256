import PatronAnalytics
import Testing

/// The CDNOW reference data set, found at `../shared/data/cdnow` relative to the package root.
enum CDNOWData {
    /// `…/Tests/PatronAnalyticsTests/CDNOWData.swift` → up three levels is the package root.
    static let directory: String = {
        var components = #filePath.split(separator: "/", omittingEmptySubsequences: false).map(String.init)
        components.removeLast(3)
        return components.joined(separator: "/") + "/../shared/data/cdnow"
    }()

    static let summaryPath = directory + "/cdnow_customers_summary_with_transactions.csv"
    static let samplePath = directory + "/CDNOW_sample.txt"

    /// Whether the data set is present; reference tests are skipped with one message when it is not.
    static let isAvailable: Bool = (try? CSVReader(path: summaryPath)) != nil

    static let skipMessage: Comment = "CDNOW data set not found at ../shared/data; skipping reference tests"

    /// The 2,357-customer calibration summary (weeks).
    static func summaries() throws -> [CustomerSummary] {
        try CustomerSummaryFile.read(path: summaryPath)
    }
}

/// |actual − expected| ≤ tolerance·|expected|.
func isClose(_ actual: Double, _ expected: Double, relative tolerance: Double) -> Bool {
    abs(actual - expected) <= tolerance * abs(expected)
}

/// Whether `actual` rounds to `published` at the number of decimals it was printed with.
func roundsTo(_ actual: Double, _ published: Double, decimals: Int) -> Bool {
    var scale = 1.0
    for _ in 0..<decimals { scale *= 10 }
    return abs(actual - published) <= 0.5 / scale + 1e-12
}
