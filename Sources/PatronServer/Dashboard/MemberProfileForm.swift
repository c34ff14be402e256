import Hummingbird
import PatronCore
import PatronStore

/// Correcting a member's profile from their page, for those who may change members: the fields go through the
/// API's own reading of a profile, so the page accepts what `PATCH /v1/members/{id}` accepts. A field left empty is
/// kept as it is; sending the same values again changes nothing.
extension MemberActions {
    static let profileFields = ["name", "email", "phone", "birthday", "status"]

    @Sendable func editProfile(_ request: Request, context: PatronRequestContext) async throws -> Response {
        try await act(request, context: context, permission: .membersWrite, once: false) { view, member, fields in
            var drafts = Drafts()
            drafts.profile = fields.filter { Self.profileFields.contains($0.key) }
            var object: [String: JSONValue] = [:]
            for (key, value) in drafts.profile ?? [:] where !value.trimmingWhitespace().isEmpty {
                object[key] = .string(value)
            }
            var reader = FieldReader(.object(object))
            let profile = MemberProfile.read(from: &reader, externalIDKey: nil)
            guard reader.errors.isEmpty else {
                return (.refused(reader.errors.map { "\(Self.label(of: $0.pointer, view)): \($0.detail)" }), drafts)
            }
            do {
                _ = try await store.updateMember(id: member.id, with: profile)
            } catch MemberError.identityTaken(let kind, let ownerID) {
                let field = Self.label(of: "/" + kind.rawValue, view)
                return (.refused([view.text(.identityTaken, ["kind": field, "member": ownerID])]), drafts)
            }
            return (.done(.edited, audit: "updateMember"), drafts)
        }
    }

    /// A field's label for a problem the API's reader reports at `/name`.
    static func label(of pointer: String, _ view: View) -> String {
        switch pointer {
        case "/name": view.text(.name)
        case "/email": view.text(.email)
        case "/phone": view.text(.phone)
        case "/birthday": view.text(.birthday)
        case "/status": view.text(.status)
        default: pointer
        }
    }

    static func profileForm(_ view: View, _ member: Member, drafts: Drafts) -> Markup {
        let typed = drafts.profile ?? [:]
        func value(_ key: String, _ current: String?) -> String { typed[key] ?? current ?? "" }
        let status = value("status", member.status.rawValue)
        let statuses: [Markup] = MemberStatus.settable.map { option in
            let selected: Markup = option.rawValue == status ? " selected" : ""
            let name = view.text(MembersPage.name(of: option))
            return "<option value=\"\(option.rawValue)\"\(selected)>\(name)</option>"
        }
        return """
            <section class="card"><h2>\(view.text(.editProfile))</h2>
            <form method="post" action="/members/\(member.id.addingPercentEncodingForQuery())/profile">\(view.csrfField)
            <fieldset><legend>\(view.text(.profile))</legend><div class="inline">
            <div><label for="profile-name">\(view.text(.name))</label>\
            <input id="profile-name" name="name" maxlength="200" value="\(value("name", member.name))"></div>
            <div><label for="profile-email">\(view.text(.email))</label>\
            <input id="profile-email" name="email" type="email" value="\(value("email", member.email))"></div>
            <div><label for="profile-phone">\(view.text(.phone))</label>\
            <input id="profile-phone" name="phone" type="tel" value="\(value("phone", member.phone))"></div>
            <div><label for="profile-birthday">\(view.text(.birthday))</label>\
            <input id="profile-birthday" name="birthday" type="date" \
            value="\(value("birthday", member.birthday?.isoString))"></div>
            <div><label for="profile-status">\(view.text(.status))</label>\
            <select id="profile-status" name="status">\(statuses)</select></div>
            </div><p class="muted">\(view.text(.profileHint))</p></fieldset>
            <p><button type="submit">\(view.text(.save))</button></p></form></section>
            """
    }
}
