/// One problem with one field of a request, addressed by a JSON Pointer (RFC 6901).
public struct FieldError: Sendable, Hashable, Codable {
    public var pointer: String
    public var detail: String

    public init(pointer: String, detail: String) {
        self.pointer = pointer
        self.detail = detail
    }
}

/// A request that could not be accepted; every field error is reported at once.
public struct ValidationFailure: Error, Sendable, Hashable {
    public var errors: [FieldError]

    public init(_ errors: [FieldError]) {
        self.errors = errors
    }

    public init(pointer: String, detail: String) {
        self.errors = [FieldError(pointer: pointer, detail: detail)]
    }
}
