import Foundation
import Hummingbird
import PatronCore

/// An RFC 9457 problem detail, the body of every error answer (`application/problem+json`).
public struct Problem: Error, HTTPResponseError, Encodable, Sendable {
    public var type: String
    public var title: String
    public var status: HTTPResponse.Status
    public var detail: String?
    /// Per-field errors, for 422.
    public var errors: [FieldError]?
    /// Every business reason a request was refused, each with a stable code (an extension member).
    public var reasons: [Reason]?
    /// The methods a path serves, sent as the `Allow` header of a 405.
    public var allow: String?
    /// Seconds to wait before trying again, sent as the `Retry-After` header of a 429 or 503.
    public var retryAfterSeconds: Int64?

    public struct Reason: Encodable, Sendable {
        public var code: String
        public var detail: String
    }

    public init(
        status: HTTPResponse.Status, title: String, detail: String? = nil, errors: [FieldError]? = nil,
        type: String? = nil
    ) {
        self.status = status
        self.title = title
        self.detail = detail
        self.errors = errors
        self.type = type ?? "https://patron.dev/problems/" + String(title.lowercased().map { $0 == " " ? "-" : $0 })
    }

    /// The body: `type`, `title`, `status`, and `detail`, `errors` and `reasons` when present.
    public var json: JSONValue {
        var fields: [String: JSONValue] = [
            "type": .string(type), "title": .string(title), "status": .number(Double(status.code)),
        ]
        if let detail { fields["detail"] = .string(detail) }
        if let errors {
            fields["errors"] = .array(
                errors.map { .object(["pointer": .string($0.pointer), "detail": .string($0.detail)]) })
        }
        if let reasons {
            fields["reasons"] = .array(
                reasons.map { .object(["code": .string($0.code), "detail": .string($0.detail)]) })
        }
        return .object(fields)
    }

    public func encode(to encoder: any Encoder) throws {
        try json.encode(to: encoder)
    }

    public func response(from request: Request, context: some RequestContext) throws -> Response {
        var headers: HTTPFields = [.contentType: "application/problem+json"]
        if status == .unauthorized { headers[.wwwAuthenticate] = "Bearer" }
        if let allow { headers[.allow] = allow }
        if let retryAfterSeconds { headers[.retryAfter] = String(retryAfterSeconds) }
        return Response(status: status, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: json.sortedText)))
    }

    static func unauthorized() -> Problem {
        Problem(
            status: .unauthorized, title: "Unauthorized",
            detail: "send an API key or member token as 'Authorization: Bearer …', or sign in for a session cookie")
    }

    static func notFound(_ detail: String) -> Problem {
        Problem(status: .notFound, title: "Not Found", detail: detail)
    }

    static func invalid(_ failure: ValidationFailure) -> Problem {
        Problem(
            status: .unprocessableContent, title: "Invalid Request",
            detail: "\(failure.errors.count) field(s) are invalid", errors: failure.errors)
    }
}
