import Hummingbird

extension Request {
    /// The `Idempotency-Key` header that writes which must not happen twice require.
    func idempotencyKey() throws -> String {
        let key = headers.first { $0.name.canonicalName == "idempotency-key" }?.value
        // Visible ASCII only, as /openapi.json states: 1 to 255 of '!' … '~'.
        guard let key, (1...255).contains(key.utf8.count), key.utf8.allSatisfy({ (33...126).contains($0) }) else {
            throw Problem(
                status: .badRequest, title: "Idempotency Key Required",
                detail:
                    "send an 'Idempotency-Key' header (1 to 255 visible ASCII characters) so a retry cannot happen twice"
            )
        }
        return key
    }
}
