import PatronAnalytics
import Testing

/// Rows that would be counted silently and wrongly are refused with their line number.
@Suite("CSV rows refused")
struct CSVRefusalTests {
    static let header = "customer_id,date,amount\n"

    @Test("an empty or blank customer id stops the read at its line")
    func emptyCustomerID() {
        #expect(throws: InputError.emptyCustomerID(column: "customer_id", line: 3)) {
            try TransactionFile.read(text: Self.header + "a,2024-01-01,10\n,2024-01-02,5\n")
        }
        #expect(throws: InputError.emptyCustomerID(column: "buyer", line: 2)) {
            try TransactionFile.read(
                text: "buyer,date,amount\n  \t,2024-01-02,5\n",
                columns: TransactionColumns(customer: "buyer"))
        }
        #expect(throws: InputError.emptyCustomerID(column: "customer_id", line: 2)) {
            try CustomerSummaryFile.read(text: "customer_id,frequency,recency,T,monetary_value\n,1,2,10,5\n")
        }
    }

    @Test("a negative amount stops the read at its line; zero is a purchase")
    func negativeAmount() throws {
        #expect(throws: InputError.negativeAmount(value: "-12.5", column: "amount", line: 3)) {
            try TransactionFile.read(text: Self.header + "a,2024-01-01,10\nb,2024-01-02,-12.5\n")
        }
        let free = try TransactionFile.read(text: Self.header + "a,2024-01-01,0\nb,2024-01-02,-0\n")
        #expect(free.map(\.amount) == [0, 0])
    }

    @Test("the messages are one line starting with the line number")
    func messages() {
        let errors: [InputError] = [
            .emptyCustomerID(column: "customer_id", line: 9), .negativeAmount(value: "-1", column: "amount", line: 9),
        ]
        for error in errors {
            #expect(error.description.hasPrefix("line 9: "), "\(error)")
            #expect(!error.description.contains("\n"))
        }
    }
}
