import Foundation
import Hummingbird

extension Request {
    /// The program versions an `If-Match` header accepts, or nil when there is no header or it is `*` (the
    /// program always exists). Tags are the version in quotes (`"7"`); a weak tag (`W/"7"`) never matches,
    /// since If-Match compares strongly, so a header naming nothing usable accepts no version.
    func ifMatchVersions() -> Set<Int64>? {
        let values = headers[values: .ifMatch]
        guard !values.isEmpty else { return nil }
        var versions: Set<Int64> = []
        for value in values {
            for tag in value.split(separator: ",") {
                let tag = tag.trimmingCharacters(in: .whitespaces)
                if tag == "*" { return nil }
                guard tag.count >= 3, tag.hasPrefix("\""), tag.hasSuffix("\""),
                    let version = Int64(tag.dropFirst().dropLast())
                else { continue }
                versions.insert(version)
            }
        }
        return versions
    }
}
