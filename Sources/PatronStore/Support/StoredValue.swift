import Foundation
import SQLKit

/// Enum values read back from the database.
enum StoredValue {
    /// A stored enum value; one the code does not know is a damaged row, reported as such.
    static func decode<Value: RawRepresentable>(
        _ type: Value.Type, _ row: any SQLRow, _ column: String
    ) throws -> Value where Value.RawValue == String {
        let text = try row.decode(column: column, as: String.self)
        guard let value = Value(rawValue: text) else {
            throw DecodingError.dataCorrupted(
                .init(codingPath: [], debugDescription: "\(column) holds unknown value '\(text)'"))
        }
        return value
    }
}
