import PatronCore
import PatronStore

/// Turns an order as JSON (a JSON line, or the rows of one order in a CSV file) into an order to import or the
/// reason it is refused, with the validation of `POST /v1/orders`.
struct OrderParser {
    /// When the import started: an order may not lie further in the future than the API allows.
    let now: Timestamp

    func order(line: Int, _ body: JSONValue) -> ImportRow<ImportedOrder> {
        do {
            let submission = try OrderSubmission.parse(body, receivedAt: now)
            return .item(ImportedOrder(line: line, submission: submission, fingerprint: Fingerprint.of(body)))
        } catch {
            return .refused(
                line: line, reason: error.errors.map { "\($0.pointer): \($0.detail)" }.joined(separator: "; "))
        }
    }
}
