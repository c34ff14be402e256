import Hummingbird
import NIOCore
import PatronCore
import PatronStore

/// The member page's privacy card: the consents in force for anyone who reads members, and for those with
/// `privacy:manage` a copy of everything held and erasure, confirmed by typing the member's id.
extension MembersPage {
    func privacyCard(_ view: View, _ member: Member, consents: Consents, offset: UTCOffset) -> Markup {
        let rows: [Markup] = consents.current.map { record in
            """
            <tr><td>\(view.text(Self.name(of: record.purpose)))</td>\
            <td>\(record.channel.map { view.text(Self.name(of: $0)) } ?? "—")</td>\
            <td>\(view.text(record.state == .granted ? .consentGranted : .consentWithdrawn))</td>\
            <td>\(view.formats.date(offset.date(of: record.givenAt)))</td></tr>
            """
        }
        let table: Markup =
            rows.isEmpty
            ? "<p>\(view.text(.noConsents))</p>"
            : """
            <table><caption>\(view.text(.consentsInForce))</caption><thead><tr>\
            <th scope="col">\(view.text(.consentPurpose))</th><th scope="col">\(view.text(.consentChannel))</th>\
            <th scope="col">\(view.text(.status))</th><th scope="col">\(view.text(.consentGiven))</th></tr></thead>\
            <tbody>\(rows)</tbody></table>
            """
        var forms: Markup = .empty
        if view.permits(.privacyManage), member.status != .erased {
            let path = "/members/\(member.id.addingPercentEncodingForQuery())"
            forms = """
                <form method="post" action="\(path)/export">\(view.csrfField)\
                <p><button type="submit">\(view.text(.exportMember))</button></p></form>
                <form method="post" action="\(path)/erasure">\(view.csrfField)
                <fieldset><legend>\(view.text(.eraseMember))</legend>
                <p class="muted" id="erase-hint">\(view.text(.eraseHint))</p>
                <div><label for="erase-confirm">\(view.text(.eraseConfirm, ["id": member.id]))</label>\
                <input id="erase-confirm" name="confirm" required autocomplete="off" aria-describedby="erase-hint"></div>
                </fieldset><p><button type="submit" class="danger">\(view.text(.eraseMember))</button></p></form>
                """
        }
        return "<section class=\"card\" id=\"privacy\"><h2>\(view.text(.privacy))</h2>\(table)\(forms)</section>"
    }

    static func name(of purpose: ConsentPurpose) -> Message {
        switch purpose {
        case .marketing: .purposeMarketing
        case .profiling: .purposeProfiling
        case .thirdPartySharing: .purposeThirdPartySharing
        }
    }

    static func name(of channel: ConsentChannel) -> Message {
        switch channel {
        case .email: .email
        case .sms: .channelSMS
        case .wechat: .channelWeChat
        case .push: .channelPush
        case .phone: .phone
        }
    }
}

extension MemberActions {
    /// Everything held about the member, as the zip the API gives, downloaded.
    @Sendable func exportMember(_ request: Request, context: PatronRequestContext) async throws -> Response {
        var request = request
        _ = try await Form.read(&request)
        let view = View(request: request, context: context)
        guard view.permits(.privacyManage) else { return DashboardErrors.forbidden(view) }
        let memberID = try context.parameters.require("member_id")
        guard try await store.member(id: memberID) != nil else { return DashboardErrors.notFound(view) }
        let (export, record) = try await store.exportMember(
            memberID, handledBy: context.actorID ?? "unknown", at: store.clock.now)
        try await store.audit(context.auditEvent("exportMember", objectIDs: [memberID], request: request))
        return Response(
            status: .ok,
            headers: [
                .contentType: "application/zip",
                .contentDisposition: "attachment; filename=\"\(memberID)-export.zip\"",
            ],
            body: .init(byteBuffer: ByteBuffer(bytes: try MemberExportFiles.zip(export, requestID: record.id))))
    }

    /// Erases the member once the id typed matches theirs.
    @Sendable func eraseMember(_ request: Request, context: PatronRequestContext) async throws -> Response {
        try await act(request, context: context, permission: .privacyManage, once: false) { view, member, fields in
            guard fields["confirm"]?.trimmingWhitespace() == member.id else {
                return (.refused([view.text(.eraseConfirmMismatch)]), Drafts())
            }
            let (_, erasedNow) = try await store.eraseMember(
                member.id, handledBy: context.actorID ?? "unknown", at: store.clock.now)
            return (.done(.erased, audit: erasedNow ? "eraseMember" : nil), Drafts())
        }
    }
}
