import OpenAPIKit
import PatronCore
import PatronStore

/// Signing in, sessions, set-up links, staff accounts and roles.
extension OpenAPIDocument {
    static var accessPaths: [OpenAPI.Path: OpenAPI.PathItem] {
        let token = OpenAPI.Parameter.path(
            name: "token", schema: .string(minLength: 1, maxLength: 128, pattern: anyText),
            description: "The token of a set-up link.")
        let userID = OpenAPI.Parameter.path(
            name: "user_id", schema: .string(minLength: 1, maxLength: 64, pattern: anyText),
            description: "The staff account's id.")
        let noUser = (Failure.notFound, "No staff account has this id.")
        let notPermitted = (
            Failure.forbidden, "The caller lacks staff:manage, or may not manage this role (only owners manage owners)."
        )
        let badLink = (Failure.notFound, "The link is unknown, used or expired.")
        let signInBudget = (Failure.tooManyRequests, "Too many sign-in requests from this address this minute.")
        let invitation = object([
            "user": ref(.staffUser), "setup_url": output(), "setup_expires_at": timestamp(),
        ])
        let signedOut = Success(
            status: 204, description: "Signed out; the cookie is cleared", schema: nil,
            headers: ["Set-Cookie": "Clears the session cookie."])
        return [
            "/v1/members/{member_id}/tokens": .init(
                post: operation(
                    "A short-lived bearer token for the brand's app to act for this member alone (a JWT, HS256)",
                    id: "issueMemberToken", scope: .memberTokensWrite, parameters: [memberID],
                    body: input([
                        "lifetime_seconds": integer(
                            60, Int(MemberTokens.maximumLifetimeSeconds), required: false,
                            description: "How long the token is valid (default 900).")
                    ]), bodyRequired: false,
                    answers: [
                        .created(
                            object([
                                "token": output(), "token_type": choice(["Bearer"]), "member_id": output(),
                                "expires_at": timestamp(),
                            ]))
                    ], failures: [(.gone, Failure.gone.meaning), (.notFound, "No member has this id.")])),
            "/v1/auth/sessions": .init(
                post: operation(
                    "Sign in with email, password and a one-time or recovery code; sets the session cookie",
                    id: "signIn", scope: nil,
                    body: input([
                        "email": text(maxLength: 254, nonBlank: true),
                        "password": text(maxLength: 1024, nonBlank: true),
                        "one_time_code": text(maxLength: 16, required: false),
                        "recovery_code": text(maxLength: 32, required: false),
                    ]),
                    answers: [
                        Success(
                            status: 201, description: "Signed in", schema: ref(.principal),
                            headers: ["Set-Cookie": "The session: Secure, HttpOnly, SameSite=Lax."])
                    ],
                    failures: [
                        (
                            .unauthorized,
                            "The email, password or code is not right (sign-in-failed), or the account needs a code "
                                + "(second-factor-required)."
                        ),
                        (.forbidden, "The account is locked, or its role needs a second factor it has not set up."),
                        (
                            .tooManyRequests,
                            "Too many failed sign-ins from this account or address, or sign-in requests from this "
                                + "address; see Retry-After."
                        ),
                    ]),
                delete: operation(
                    "Sign out of every session of the signed-in person, on every device", id: "signOutEverywhere",
                    scope: nil, authenticated: true, answers: [signedOut],
                    failures: [(.conflict, "The request was made with an API key, which has no session.")])),
            "/v1/auth/session": .init(
                get: operation(
                    "Who this request acts for: its permissions, stores, and for a session its CSRF token",
                    id: "getSession", scope: nil, authenticated: true, answers: [.ok(ref(.principal))]),
                delete: operation(
                    "Sign out of this session", id: "signOut", scope: nil, authenticated: true, answers: [signedOut],
                    failures: [(.conflict, "The request was made with an API key, which has no session.")])),
            "/v1/auth/setup/{token}": .init(
                get: operation(
                    "What a set-up link is for: the account and the authenticator secret to enrol", id: "getSetup",
                    scope: nil, parameters: [token],
                    answers: [
                        .ok(
                            object([
                                "user": ref(.staffUser), "one_time_code_secret": output(),
                                "provisioning_uri": output(), "requires_second_factor": boolean(),
                            ]))
                    ], failures: [badLink, signInBudget]),
                post: operation(
                    "Choose a password and confirm the authenticator; answers the recovery codes once",
                    id: "completeSetup", scope: nil, parameters: [token],
                    body: input([
                        "password": text(maxLength: 1024, nonBlank: true),
                        "one_time_code": text(maxLength: 16, required: false),
                    ]),
                    answers: [
                        .ok(
                            object([
                                "user": ref(.staffUser),
                                "recovery_codes": orNull(list(output()), required: true),
                            ]))
                    ],
                    failures: [
                        badLink, signInBudget,
                        (
                            .unprocessable,
                            "The password is too short, too long or too common, or the code is missing or wrong."
                        ),
                    ])),
            "/v1/users": .init(
                get: operation(
                    "Every staff account", id: "listUsers", scope: .staffManage,
                    answers: [.ok(object(["data": list(ref(.staffUser))]))]),
                post: operation(
                    "Invite a member of staff; answers the one-time set-up link", id: "inviteUser",
                    scope: .staffManage,
                    body: input([
                        "email": text(maxLength: 254, nonBlank: true), "role": text(maxLength: 64, nonBlank: true),
                        "stores": list(
                            text(maxLength: 128, nonBlank: true), required: false,
                            description: "The stores the account may act for; absent for every store."),
                    ]),
                    answers: [.created(invitation)],
                    failures: [
                        notPermitted, (.conflict, "A staff account with this email exists."),
                        (.unprocessable, "A field is invalid: the email is not an address, or no role has this name."),
                    ])),
            "/v1/users/{user_id}": .init(
                get: operation(
                    "One staff account", id: "getUser", scope: .staffManage, parameters: [userID],
                    answers: [.ok(ref(.staffUser))], failures: [noUser])),
            "/v1/users/{user_id}/disable": .init(
                post: operation(
                    "Disable an account and end its sessions", id: "disableUser", scope: .staffManage,
                    parameters: [userID], answers: [.ok(ref(.staffUser))], failures: [noUser, notPermitted])),
            "/v1/users/{user_id}/unlock": .init(
                post: operation(
                    "Lift a lock-out after failed sign-ins", id: "unlockUser", scope: .staffManage,
                    parameters: [userID], answers: [.ok(ref(.staffUser))], failures: [noUser, notPermitted])),
            "/v1/users/{user_id}/reset-second-factor": .init(
                post: operation(
                    "Forget the authenticator and recovery codes, end the sessions, and answer a new set-up link",
                    id: "resetSecondFactor", scope: .staffManage, parameters: [userID],
                    answers: [.ok(invitation)], failures: [noUser, notPermitted])),
            "/v1/roles": .init(
                get: operation(
                    "The built-in and custom roles with their permissions", id: "listRoles", scope: .staffManage,
                    answers: [.ok(object(["data": list(ref(.staffRole))]))]),
                post: operation(
                    "Define a custom role: a named set of permissions", id: "createRole", scope: .staffManage,
                    body: input([
                        "name": text(maxLength: 64, nonBlank: true),
                        "permissions": list(cases(Scope.self)),
                        "adjustment_limit": integer(0, required: false),
                    ]),
                    answers: [.created(ref(.staffRole))],
                    failures: [
                        (.forbidden, "The caller lacks staff:manage or a permission put in the role."),
                        (.conflict, "A role with this name exists."),
                    ])),
        ]
    }

    static var accessSchemas: [SchemaName: JSONSchema] {
        let permissions = list(cases(Scope.self))
        return [
            .staffUser: object([
                "user_id": output(), "email": output(), "role": output(), "permissions": permissions,
                "stores": orNull(list(output()), required: true), "status": cases(StaffStatus.self),
                "has_second_factor": boolean(), "locked_out": boolean(), "created_at": timestamp(),
            ]),
            .staffRole: object([
                "name": output(), "permissions": permissions, "adjustment_limit": count(nullable: true),
                "built_in": boolean(), "requires_second_factor": boolean(),
            ]),
            .principal: object([
                "kind": choice(["api_key", "staff", "member"]), "permissions": permissions,
                "stores": orNull(list(output()), required: true), "key_id": output(required: false),
                "member_id": output(required: false),
                "user": ref(.staffUser, required: false), "csrf_token": output(required: false),
                "expires_at": timestamp(required: false),
            ]),
        ]
    }
}
