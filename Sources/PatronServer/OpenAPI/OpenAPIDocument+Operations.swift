import OpenAPIKit
import PatronCore

/// Operations, parameters and answers: every error answer is an RFC 9457 problem, and each operation lists
/// exactly the statuses it can give.
extension OpenAPIDocument {
    /// An error status an operation can answer, with what it means in general.
    enum Failure: Int, CaseIterable {
        case badRequest = 400
        case unauthorized = 401
        case forbidden = 403
        case notFound = 404
        case conflict = 409
        case gone = 410
        case preconditionFailed = 412
        case contentTooLarge = 413
        case unprocessable = 422
        case preconditionRequired = 428
        case tooManyRequests = 429
        case unavailable = 503

        var meaning: String {
            switch self {
            case .badRequest: "The body is not JSON, a required header is missing, or the target holds an encoded NUL."
            case .unauthorized: "No API key or session, or an unknown, revoked or expired one."
            case .forbidden:
                "The key or the person's role lacks the permission this operation needs, or a write through a "
                    + "session lacks its CSRF token."
            case .notFound: "Nothing has the id in the path."
            case .conflict: "The request conflicts with the stored state."
            case .gone: "The member was erased at their request; nothing new is recorded about them."
            case .preconditionFailed: "If-Match names a version that is no longer current."
            case .contentTooLarge: "The body is larger than the limit."
            case .unprocessable: "A field is invalid; `errors` names each one by JSON pointer."
            case .preconditionRequired: "The write needs an If-Match header."
            case .tooManyRequests: "Too many requests; Retry-After says when to try again."
            case .unavailable: "The database cannot be reached."
            }
        }
    }

    /// A successful answer: its status, what it means and its body (none for 204).
    struct Success {
        var status: Int
        var description: String
        var schema: JSONSchema?
        var contentType: OpenAPI.ContentType = .json
        /// Other forms of the same answer, chosen by a parameter.
        var alternatives: [OpenAPI.ContentType: JSONSchema] = [:]
        /// Headers every such answer carries, with what they say.
        var headers: [String: String] = [:]

        /// The answer with the program version as its `ETag`.
        var versioned: Success { tagged(by: "The program version in force") }

        /// The answer with `what` (a version or revision number) as its `ETag`.
        func tagged(by what: String) -> Success {
            var answer = self
            answer.headers["ETag"] = "\(what), quoted: \"7\""
            return answer
        }

        static func ok(_ schema: JSONSchema, _ description: String = "OK") -> Success {
            Success(status: 200, description: description, schema: schema)
        }

        static func created(_ schema: JSONSchema, _ description: String = "Created") -> Success {
            Success(status: 201, description: description, schema: schema)
        }
    }

    /// An operation needing `scope` (nil for public ones, or ones any key or session may call when
    /// `authenticated`). Authenticated operations can answer 401 and 403; operations with a body 400, 413 and
    /// 422. `failures` adds the others, each with its cause here.
    static func operation(
        _ summary: String, id: String, scope: Scope?, authenticated: Bool = false, forMember: Bool = false,
        parameters: [OpenAPI.Parameter] = [],
        body: JSONSchema? = nil, bodyRequired: Bool = true, answers: [Success],
        failures: [(Failure, String)] = []
    ) -> OpenAPI.Operation {
        var responses = OpenAPI.Response.Map()
        for answer in answers {
            var content: OpenAPI.Content.Map =
                answer.schema.map { [answer.contentType: .content(.init(schema: $0))] } ?? [:]
            for (type, schema) in answer.alternatives { content[type] = .content(.init(schema: schema)) }
            var headers = OpenAPI.Header.Map()
            for (name, description) in answer.headers.sorted(by: { $0.key < $1.key }) {
                headers[name] = .header(.init(schema: .string, description: description, required: true))
            }
            responses[OpenAPI.Response.StatusCode(integerLiteral: answer.status)] = .response(
                description: answer.description, headers: headers.isEmpty ? nil : headers, content: content)
        }
        var causes: [Failure: String] = [.badRequest: Failure.badRequest.meaning]
        let authenticated = authenticated || scope != nil
        if authenticated {
            causes[.unauthorized] = Failure.unauthorized.meaning
            causes[.forbidden] = Failure.forbidden.meaning
            causes[.tooManyRequests] = "The key, person or member spent its budget for this minute; see Retry-After."
        }
        if body != nil {
            causes[.contentTooLarge] = "The body is larger than 1 MiB."
            causes[.unprocessable] = Failure.unprocessable.meaning
        }
        for (failure, cause) in failures { causes[failure] = cause }
        for failure in Failure.allCases {
            guard let cause = causes[failure] else { continue }
            responses[OpenAPI.Response.StatusCode(integerLiteral: failure.rawValue)] = problem(cause)
        }
        return OpenAPI.Operation(
            summary: summary,
            description: scope.map {
                "Needs the '\($0.rawValue)' permission: an API key with that scope, or a signed-in person whose role "
                    + "holds it (admin holds every permission)."
                    + (forMember
                        ? " A member token may call it for its own member; any other member id answers 404." : "")
            },
            operationId: id, parameters: parameters.map { .parameter($0) },
            requestBody: body.map {
                OpenAPI.Request(content: [.json: .content(.init(schema: $0))], required: bodyRequired)
            },
            responses: responses, security: authenticated ? nil : [])
    }

    static func problem(
        _ description: String, allow: Bool = false
    ) -> Either<
        OpenAPI.Reference<OpenAPI.Response>, OpenAPI.Response
    > {
        .response(
            description: description,
            headers: allow
                ? ["Allow": .header(.init(schema: .string, description: "The methods the path serves", required: true))]
                : nil,
            content: [.problem: .content(.init(schema: ref(.problem)))])
    }

    /// A path segment naming something; any text the client chose or the server made.
    static func pathID(_ name: String, _ description: String) -> OpenAPI.Parameter {
        .path(name: name, schema: .string(minLength: 1, pattern: anyText), description: description)
    }

    static func query(
        _ name: String, _ schema: JSONSchema, _ description: String, required: Bool = false
    ) -> OpenAPI.Parameter {
        .query(name: name, required: required, schema: schema, description: description)
    }

    static let limit = query(
        "limit", integer(1, Pagination.maximumLimit, required: false),
        "At most this many items (default \(Pagination.defaultLimit)).")
    static let cursor = query(
        "cursor", pattern("^[A-Za-z0-9_-]*$", required: false),
        "The next_cursor of the previous page; empty or absent for the first page.")

    static let ifMatch = OpenAPI.Parameter.header(
        name: "If-Match", required: false, schema: .string,
        description: "Change only while this version (an ETag, such as \"7\") is in force; 412 otherwise.")

    static let idempotencyKey = OpenAPI.Parameter.header(
        name: "Idempotency-Key", required: true, schema: pattern(#"^[!-~]{1,255}$"#),
        description: "A retry with the same key and body gets the first answer (200); another body gets 409.")
}

extension OpenAPI.ContentType {
    static let problem = OpenAPI.ContentType(rawValue: "application/problem+json")!
}
