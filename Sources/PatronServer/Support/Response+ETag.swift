import Hummingbird

extension Response {
    /// The answer with the program version as its entity tag.
    func tagged(_ version: Int64) -> Response {
        var response = self
        response.headers[.eTag] = "\"\(version)\""
        return response
    }
}
