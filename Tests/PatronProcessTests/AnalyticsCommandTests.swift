import Foundation
import PatronCore
import Testing

/// `patron analytics` refuses what it cannot answer truthfully with one line and a non-zero status.
@Suite struct AnalyticsCommandTests {
    static func withFile<Result>(_ text: String, _ body: (String) async throws -> Result) async throws -> Result {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("analytics-\(UUID()).csv").path
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(atPath: path) }
        return try await body(path)
    }

    /// Ten customers who all bought on two or more days of 2026.
    static var tenRepeaters: String {
        let start = PatronCore.CalendarDate(year: 2026, month: 1, day: 1)
        var lines = ["customer_id,date,amount"]
        for index in 0..<10 {
            let first = 17 * index
            var days = [first, first + 30 + 11 * index]
            if index % 2 == 0 { days.append(days[1] + 40) }
            for (position, day) in days.enumerated() {
                lines.append("t\(index),\(start.addingDays(day).isoString),\(150 + 20 * ((position + index) % 4))")
            }
        }
        return lines.joined(separator: "\n") + "\n"
    }

    @Test func aFitAtTheEdgeIsOneLineAndAFailure() async throws {
        let run = try await Self.withFile(Self.tenRepeaters) { path in
            try await PatronCommand.run(
                ["analytics", "clv", "--transactions", path, "--calibration-end", "2027-01-01"], environment: [:])
        }
        #expect(run.status != 0)
        #expect(run.output.isEmpty, "\(run.output)")
        let lines = run.errors.split(separator: "\n")
        #expect(lines.count == 1, "\(run.errors)")
        #expect(run.errors.hasPrefix("Error: BG/NBD: the purchases do not determine the model"), "\(run.errors)")
    }

    @Test func negativeAmountsAndEmptyCustomersAreRefusedByLine() async throws {
        let negative = try await Self.withFile("customer_id,date,amount\na,2024-01-01,10\na,2024-01-05,-5\n") { path in
            try await PatronCommand.run(
                ["analytics", "rfm", "--transactions", path, "--reference-date", "2024-03-01"], environment: [:])
        }
        #expect(negative.status == 1)
        #expect(
            negative.errors.hasPrefix("Error: line 3: negative amount '-5' in column 'amount'"), "\(negative.errors)")
        let empty = try await Self.withFile("customer_id,date,amount\n,2024-01-01,10\n") { path in
            try await PatronCommand.run(
                ["analytics", "summary", "--transactions", path, "--calibration-end", "2024-03-01"], environment: [:])
        }
        #expect(empty.status == 1)
        #expect(empty.errors.hasPrefix("Error: line 2: empty customer id in column 'customer_id'"), "\(empty.errors)")
    }
}
