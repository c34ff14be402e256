import OpenAPIKit
import PatronCore

/// The schemas of orders and events.
extension OpenAPIDocument {
    /// Whole minor units an order amount may take.
    static func amount(required: Bool = true, description: String? = nil) -> JSONSchema {
        integer(0, 10_000_000_000_000, required: required, description: description)
    }

    /// An RFC 3339 instant as requests give it.
    static func instant(required: Bool = true, description: String? = nil) -> JSONSchema {
        .string(format: .dateTime, required: required, description: description, maxLength: 64)
    }

    static var orderLineInput: JSONSchema {
        input([
            "sku": text(maxLength: 128, nonBlank: true), "name": text(maxLength: 200, required: false),
            "category": text(maxLength: 128, required: false), "quantity": integer(1, 1_000_000),
            "unit_price_minor": amount(),
            "discount_minor": amount(required: false, description: "At most quantity × unit_price_minor."),
        ])
    }

    /// An order as `POST /v1/orders` takes it; the simulator does not need its id.
    static func orderInput(requiresOrderID: Bool) -> JSONSchema {
        var customerFields = profile(externalID: text(maxLength: 128, nonBlank: true, required: false))
        customerFields["consents"] = consentStatements
        let customer = input(customerFields)
        return JSONSchema.all(of: [
            input([
                "order_id": text(maxLength: 128, nonBlank: true, required: requiresOrderID),
                "member_id": text(
                    maxLength: 64, nonBlank: true, required: false,
                    description: "An existing member; or give `member` instead."),
                "member": customer.optionalSchemaObject().with(
                    description: "Finds the member by external_id, email or phone, creating them when new."),
                "occurred_at": instant(description: "At most 5 minutes in the future."),
                "currency": choice(Currency.codes, description: "ISO 4217"),
                "channel": cases(Channel.self, required: false), "store_id": text(maxLength: 128, required: false),
                "lines": list(orderLineInput, minItems: 1, maxItems: OrderSubmission.maximumLines),
                "discount_minor": amount(required: false, description: "At most the lines' subtotal."),
                "shipping_minor": amount(required: false),
                "total_minor": amount(
                    description:
                        "Σ(quantity × unit_price_minor − line discount_minor) − discount_minor + shipping_minor"
                ),
            ]),
            .any(of: [
                .object(properties: ["member_id": .string]),
                .object(properties: [
                    "member": .any(of: [
                        .object(properties: ["external_id": .string]), .object(properties: ["email": .string]),
                        .object(properties: ["phone": .string]),
                    ])
                ]),
            ]),
        ])
    }

    static var orderSchemas: [SchemaName: JSONSchema] {
        let line = object([
            "sku": output(), "name": output(nullable: true), "category": output(nullable: true),
            "quantity": count(), "unit_price_minor": count(), "discount_minor": count(), "amount_minor": count(),
        ])
        let award = object([
            "rule_id": output(), "points": count(), "reason": output(), "pending": boolean(),
            "expires_at": timestamp(required: false), "expired": boolean(),
        ])
        let recorded = object([
            "order_id": output(), "member_id": output(), "occurred_at": timestamp(), "currency": output(),
            "channel": cases(Channel.self), "store_id": output(nullable: true), "lines": list(line),
            "subtotal_minor": count(), "discount_minor": count(), "shipping_minor": count(), "total_minor": count(),
            "created_at": timestamp(),
            "points": object(
                ["earned": count(), "pending": count(), "expired": count(), "awards": list(award)], required: false,
                description: "What the order earned; left out of lists."),
        ])
        return [
            .orderInput: orderInput(requiresOrderID: true), .simulationInput: orderInput(requiresOrderID: false),
            .order: recorded, .event: event, .eventResult: eventResult,
        ]
    }

    static var event: JSONSchema {
        var traits = profile(externalID: nil)
        traits["attributes"] = freeForm(required: false)
        return .all(of: [
            input([
                "type": cases(EventSubmission.Kind.self),
                "user_id": text(maxLength: 128, required: false, description: "The member's external_id."),
                "anonymous_id": text(maxLength: 128, required: false),
                "event": text(maxLength: 200, required: false, description: "The event's name; required for track."),
                "properties": freeForm(required: false),
                "traits": .object(
                    required: false, description: "Profile fields for identify; other keys are kept as given.",
                    properties: nullableOptionals(traits), additionalProperties: .init(true)),
                "context": freeForm(required: false), "timestamp": instant(required: false),
                "message_id": text(maxLength: 200, required: false, description: "A repeat is ignored."),
            ]),
            .any(
                of: [
                    .object(properties: ["user_id": .string(pattern: nonBlankText)]),
                    .object(properties: ["anonymous_id": .string(minLength: 1)]),
                ], core: .init(description: "user_id or anonymous_id")),
            .any(
                of: [
                    .object(properties: ["type": .string(allowedValues: "identify")]),
                    .object(properties: ["event": .string(minLength: 1, pattern: nonBlankText)]),
                ], core: .init(description: "a track event has a name")),
        ])
    }

    static var eventResult: JSONSchema {
        object([
            "message_id": output(), "status": choice(["accepted", "duplicate", "refused"]),
            "member_id": output(required: false, description: "The member the event was matched to, if any."),
            "errors": list(
                object(["pointer": output(), "detail": output()]), required: false,
                description: "Why a refused event was refused."),
        ])
    }
}
