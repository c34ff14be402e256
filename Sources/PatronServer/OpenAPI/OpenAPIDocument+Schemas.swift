import OpenAPIKit
import PatronCore

/// Small constructors for the schemas the document is made of, so every field says its limits the same way.
extension OpenAPIDocument {
    /// Unicode White_Space (what `Unicode.Scalar.Properties.isWhitespace` tests), as a regex class body.
    static let whitespace = #"\t-\r \u0085\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000"#
    /// Text without NUL, which no stored text may hold.
    static let anyText = #"^[^\u0000]*$"#
    /// Text with at least one character that is not whitespace, and no NUL.
    static let nonBlankText = #"^[^\u0000]*[^\u0000\#(whitespace)][^\u0000]*$"#
    /// The largest integer every JSON reader holds exactly (2^53 − 1).
    static let maximumSafeInteger = 9_007_199_254_740_991

    /// A reference to a schema in the components; `SchemaName` makes a wrong name a compile error.
    static func ref(_ name: SchemaName, required: Bool = true) -> JSONSchema {
        .reference(.component(named: name.rawValue), required: required)
    }

    /// Text of at most `maxLength` characters; `nonBlank` when the server refuses an empty or blank value.
    static func text(
        maxLength: Int, nonBlank: Bool = false, required: Bool = true, nullable: Bool = false,
        description: String? = nil
    ) -> JSONSchema {
        .string(
            required: required, nullable: nullable, description: description, minLength: nonBlank ? 1 : nil,
            maxLength: maxLength, pattern: nonBlank ? nonBlankText : anyText)
    }

    /// A string the server writes; its length is not limited by a request.
    static func output(required: Bool = true, nullable: Bool = false, description: String? = nil) -> JSONSchema {
        .string(required: required, nullable: nullable, description: description)
    }

    /// A string matching `pattern` exactly (the pattern is anchored by the caller).
    static func pattern(
        _ pattern: String, maxLength: Int? = nil, required: Bool = true, description: String? = nil
    ) -> JSONSchema {
        .string(required: required, description: description, maxLength: maxLength, pattern: pattern)
    }

    static func integer(
        _ minimum: Int = -maximumSafeInteger, _ maximum: Int = maximumSafeInteger, required: Bool = true,
        nullable: Bool = false, description: String? = nil
    ) -> JSONSchema {
        .integer(
            required: required, nullable: nullable, description: description, maximum: (maximum, exclusive: false),
            minimum: (minimum, exclusive: false))
    }

    /// An integer the server writes.
    static func count(required: Bool = true, nullable: Bool = false, description: String? = nil) -> JSONSchema {
        .integer(required: required, nullable: nullable, description: description)
    }

    static func number(
        _ minimum: Double? = nil, _ maximum: Double? = nil, required: Bool = true, nullable: Bool = false,
        description: String? = nil
    ) -> JSONSchema {
        .number(
            required: required, nullable: nullable, description: description,
            maximum: maximum.map { ($0, exclusive: false) }, minimum: minimum.map { ($0, exclusive: false) })
    }

    static func boolean(required: Bool = true) -> JSONSchema { .boolean(required: required) }

    static func timestamp(required: Bool = true, nullable: Bool = false, description: String? = nil) -> JSONSchema {
        .string(format: .dateTime, required: required, nullable: nullable, description: description)
    }

    static func date(required: Bool = true, nullable: Bool = false, description: String? = nil) -> JSONSchema {
        .string(format: .date, required: required, nullable: nullable, description: description)
    }

    /// One of `values`; the cases of a Swift enum keep the list in step with the code.
    static func choice(
        _ values: [String], required: Bool = true, nullable: Bool = false, description: String? = nil
    ) -> JSONSchema {
        .string(
            required: required, nullable: nullable, description: description,
            allowedValues: values.map { AnyCodable($0) } + (nullable ? [AnyCodable(nil as String?)] : []))
    }

    static func cases<Value: RawRepresentable & CaseIterable>(
        _ type: Value.Type, required: Bool = true, nullable: Bool = false, description: String? = nil
    ) -> JSONSchema where Value.RawValue == String {
        choice(type.allCases.map(\.rawValue), required: required, nullable: nullable, description: description)
    }

    static func list(
        _ items: JSONSchema, minItems: Int? = nil, maxItems: Int? = nil, required: Bool = true,
        description: String? = nil
    ) -> JSONSchema {
        .array(required: required, description: description, minItems: minItems, maxItems: maxItems, items: items)
    }

    /// An object of exactly these properties (`additionalProperties: false`); each property's own
    /// `required` says whether it must be present.
    static func object(
        _ properties: OrderedDictionary<String, JSONSchema>, required: Bool = true, nullable: Bool = false,
        description: String? = nil
    ) -> JSONSchema {
        .object(
            required: required, nullable: nullable, description: description, properties: properties,
            additionalProperties: .init(false))
    }

    /// A request object: an optional property may also be null, which the server reads as absent, and
    /// properties not listed are ignored.
    static func input(
        _ properties: OrderedDictionary<String, JSONSchema>, required: Bool = true, description: String? = nil
    ) -> JSONSchema {
        .object(
            required: required, description: description, properties: nullableOptionals(properties),
            additionalProperties: .init(true))
    }

    /// The properties with each optional one also allowing null.
    static func nullableOptionals(
        _ properties: OrderedDictionary<String, JSONSchema>
    ) -> OrderedDictionary<String, JSONSchema> {
        var fields = properties
        for (name, schema) in properties where !schema.required {
            fields[name] = orNull(schema.requiredSchemaObject(), required: false)
        }
        return fields
    }

    /// A whole number from 0 to 2^64 − 1 (an integer below 2^64, as JSON Schema can state it exactly).
    static func unsigned64(description: String? = nil) -> JSONSchema {
        .all(
            of: [
                .integer(minimum: (0, exclusive: false)),
                .number(maximum: (18_446_744_073_709_551_616, exclusive: true)),
            ],
            core: .init(description: description))
    }

    /// A free-form object whose keys the client chooses.
    static func freeForm(required: Bool = true, description: String? = nil) -> JSONSchema {
        .object(required: required, description: description, additionalProperties: .init(true))
    }

    /// `schema` or JSON null (for a schema that is a reference or a combination).
    static func orNull(_ schema: JSONSchema, required: Bool = true) -> JSONSchema {
        .one(of: [schema, .null()], core: .init(required: required))
    }

    /// An object with a count for every case of an enumeration, by its raw value.
    static func counts<Value: RawRepresentable & CaseIterable>(of type: Value.Type) -> JSONSchema
    where Value.RawValue == String {
        var fields = OrderedDictionary<String, JSONSchema>()
        for value in type.allCases { fields[value.rawValue] = count() }
        return object(fields)
    }

    /// A page of `item`s with the cursor of the next page.
    static func page(of item: SchemaName) -> JSONSchema {
        object(["data": list(ref(item)), "next_cursor": output(nullable: true)])
    }
}
