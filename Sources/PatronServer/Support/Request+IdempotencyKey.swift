import Hummingbird

extension Request {
    /// The `Idempotency-Key` header that writes which must not happen twice require.
    func idempotencyKey() throws -> String {
        let key = headers.first { $0.name.canonicalName == "idempotency-key" }?.value
        guard let key, !key.isEmpty, key.count <= 255 else {
            throw Problem(
                status: .badRequest, title: "Idempotency Key Required",
                detail: "send an 'Idempotency-Key' header (1 to 255 characters) so a retry cannot happen twice")
        }
        return key
    }
}
