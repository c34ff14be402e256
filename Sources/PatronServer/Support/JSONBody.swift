import Foundation
import Hummingbird
import NIOCore
import PatronCore

/// Reading request bodies as JSON values and writing JSON answers, the same way for every route.
enum JSONBody {
    /// The request body parsed as JSON, or a 400/413 problem. With `allowEmpty`, an empty body reads as
    /// an empty object, for routes whose fields are all optional.
    static func read(
        _ request: Request, context: some RequestContext, limit: Int? = nil, allowEmpty: Bool = false
    ) async throws -> (
        value: JSONValue, byteCount: Int
    ) {
        let (value, text) = try await readWithText(request, context: context, limit: limit, allowEmpty: allowEmpty)
        return (value, text.count)
    }

    /// As ``read(_:context:limit:allowEmpty:)``, with the body's text too, for values a `JSONValue` cannot
    /// hold exactly (integers beyond 2⁵³).
    static func readWithText(
        _ request: Request, context: some RequestContext, limit: Int? = nil, allowEmpty: Bool = false
    ) async throws -> (
        value: JSONValue, text: Data
    ) {
        let maximum = limit ?? context.maxUploadSize
        let buffer: ByteBuffer
        do {
            buffer = try await request.body.collect(upTo: maximum)
        } catch is NIOTooManyBytesError {
            throw Problem(
                status: .contentTooLarge, title: "Content Too Large",
                detail: "the request body is larger than \(maximum) bytes")
        }
        guard buffer.readableBytes > 0 else {
            if allowEmpty { return (.object([:]), Data()) }
            throw Problem(
                status: .badRequest, title: "Malformed Request", detail: "the request body is empty; send a JSON object"
            )
        }
        let text = Data(buffer.readableBytesView)
        do {
            return (try JSONDecoder().decode(JSONValue.self, from: text), text)
        } catch {
            throw Problem(status: .badRequest, title: "Malformed Request", detail: "the request body is not valid JSON")
        }
    }

    static let encoder: JSONEncoder = {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return encoder
    }()

    static func response(_ value: some Encodable, status: HTTPResponse.Status = .ok) throws -> Response {
        let data = try encoder.encode(value)
        return Response(
            status: status, headers: [.contentType: "application/json; charset=utf-8"],
            body: .init(byteBuffer: ByteBuffer(bytes: data)))
    }

    /// The canonical text of a JSON value (sorted keys), for fingerprints of requests.
    static func canonical(_ value: JSONValue) throws -> Data {
        try encoder.encode(value)
    }
}
