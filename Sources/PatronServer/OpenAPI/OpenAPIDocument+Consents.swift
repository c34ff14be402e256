import OpenAPIKit
import PatronCore

/// Consent per purpose and channel, the privacy policy register, and the consent report.
extension OpenAPIDocument {
    /// The `consents` field a member's create or update may carry.
    static var consentStatements: JSONSchema {
        list(
            ref(.consentInput), maxItems: ConsentRecord.maximumPerRequest, required: false,
            description: "Consent statements recorded with the change, in the same transaction.")
    }

    static var consentPaths: [OpenAPI.Path: OpenAPI.PathItem] {
        let policyVersion = OpenAPI.Parameter.path(
            name: "version", schema: .string(minLength: 1, maxLength: 64, pattern: "^[A-Za-z0-9._-]+$"),
            description: "The policy version: letters, digits, '.', '_' or '-'.")
        return [
            "/v1/members/{member_id}/consents": .init(
                get: operation(
                    "A member's consents in force, per purpose and channel, and every statement recorded",
                    id: "getConsents", scope: .membersRead, forMember: true, parameters: [memberID],
                    answers: [.ok(ref(.consents))], failures: [(.notFound, "No member has this id.")]),
                put: operation(
                    "Record consent statements (grant or withdraw); one that repeats the one in force changes "
                        + "nothing",
                    id: "putConsents", scope: .membersWrite, forMember: true, parameters: [memberID],
                    body: input([
                        "consents": list(ref(.consentInput), minItems: 1, maxItems: ConsentRecord.maximumPerRequest)
                    ]),
                    answers: [.ok(ref(.consents))],
                    failures: [
                        (.notFound, "No member has this id."), (.gone, Failure.gone.meaning),
                        (
                            .unprocessable,
                            "A statement is invalid: an unknown purpose, channel, state or source, a channel missing "
                                + "for marketing or given for another purpose, the same purpose and channel twice, "
                                + "a policy version that is not registered, or a time ahead of now."
                        ),
                    ])),
            "/v1/privacy/policies": .init(
                get: operation(
                    "The privacy policy's versions, newest in effect first, with their text in Chinese and English",
                    id: "listPrivacyPolicies", scope: nil, authenticated: true,
                    answers: [.ok(object(["data": list(ref(.privacyPolicy))]))])),
            "/v1/privacy/policies/{version}": .init(
                put: operation(
                    "Register a policy version; a version never changes once registered", id: "putPrivacyPolicy",
                    scope: .privacyManage, parameters: [policyVersion],
                    body: input([
                        "effective_from": timestamp(),
                        "text": input([
                            "zh": text(maxLength: 200_000, nonBlank: true),
                            "en": text(maxLength: 200_000, nonBlank: true),
                        ]),
                    ]),
                    answers: [
                        .created(ref(.privacyPolicy), "Registered"),
                        .ok(ref(.privacyPolicy), "Registered before with this content"),
                    ],
                    failures: [
                        (.conflict, "The version is registered with other content."),
                        (.unprocessable, "A field or the version in the path is invalid."),
                    ])),
            "/v1/reports/consents": .init(
                get: operation(
                    "How many members granted or withdrew each purpose and channel, and the share reachable",
                    id: "consentReport", scope: .reportsRead, answers: [.ok(ref(.consentReport))])),
        ]
    }

    static var consentSchemas: [SchemaName: JSONSchema] {
        let channel = "For marketing only, and required there; the other purposes are agreed to once."
        return [
            .consentInput: input([
                "purpose": cases(ConsentPurpose.self),
                "channel": cases(ConsentChannel.self, required: false, description: channel),
                "state": cases(ConsentState.self), "source": cases(ConsentSource.self),
                "policy_version": text(
                    maxLength: 64, required: false,
                    description: "The policy version the person saw; the one in force at given_at when left out."),
                "evidence": text(
                    maxLength: 500, required: false, description: "What shows the person said it (kept sealed)."),
                "given_at": instant(required: false, description: "When the person said it; now when left out."),
            ]),
            .consent: object([
                "purpose": cases(ConsentPurpose.self), "channel": cases(ConsentChannel.self, nullable: true),
                "state": cases(ConsentState.self), "source": cases(ConsentSource.self),
                "policy_version": output(nullable: true), "evidence": output(nullable: true), "given_at": timestamp(),
                "record_id": output(required: false), "recorded_by": output(required: false),
                "recorded_at": timestamp(required: false),
            ]),
            .consents: object([
                "member_id": output(), "consents": list(ref(.consent)), "history": list(ref(.consent)),
            ]),
            .privacyPolicy: object([
                "version": output(), "effective_from": timestamp(),
                "text": object(["zh": output(), "en": output()]),
            ]),
            .consentReport: object([
                "members": count(),
                "lines": list(
                    object([
                        "purpose": cases(ConsentPurpose.self), "channel": cases(ConsentChannel.self, nullable: true),
                        "granted": count(), "withdrawn": count(),
                        "granted_share": number(description: "granted / members, 0 when there are none"),
                    ])),
            ]),
        ]
    }
}
