import OpenAPIKit

/// Which operations leave an entry in the audit log: every change a person or key makes to the program, members,
/// points by hand, staff and keys, and every read of members' decrypted personal data. The high-volume business
/// feed (orders, events, spends, redemptions, coupons at a till) is recorded in its own tables with its actor
/// instead; `OperationsTests` makes every write choose one side.
enum AuditedOperations {
    static let changes: Set<String> = [
        "replaceProgram", "putRule", "deleteRule", "saveReward", "surpriseCampaign", "adjustPoints", "cancelLot",
        "cancelRedemption", "refundOrder", "upsertMember", "updateMember", "makeReferralCode", "inviteUser",
        "disableUser", "unlockUser", "resetSecondFactor", "createRole", "signOut", "signOutEverywhere",
        "issueMemberToken", "eraseMember", "putConsents", "putPrivacyPolicy", "compensateTicket", "setTicketQueue",
        "installSentimentModel", "activateSentimentModel", "createWebhookEndpoint", "replaceWebhookEndpoint",
        "deleteWebhookEndpoint", "rotateWebhookSecret", "replayWebhookDelivery", "replayWebhookDeliveries",
        "saveSegment", "removeSegment", "saveTemplate", "removeTemplate", "replayMessage", "saveCampaign",
        "launchCampaign", "cancelCampaign",
    ]

    /// Answers that show members' decrypted names, emails, phones or birthdays.
    static let personalDataReads: Set<String> = [
        "getMember", "listMembers", "exportMember", "getConsents", "getFeedback", "listFeedback", "getTicket",
        "listTickets", "getTicketMember", "listSurveyInvitations", "getSurveyInvitation", "surveyReport",
    ]

    /// Writes whose record is the business data itself (with its actor), not the audit log.
    static let businessFeed: Set<String> = [
        "recordOrder", "recordEvent", "recordEvents", "spendPoints", "redeemReward", "validateCoupon",
        "consumeCoupon", "joinReferral", "simulateOrder", "submitFeedback", "openTicket", "addTicketMessage",
        "moveTicket", "inviteToSurvey", "answerSurvey", "reassignTicket", "mergeTicket", "classifySentiment",
        "previewSegment", "sendMessage", "previewTemplate", "receiveReply",
    ]

    /// Public operations that record their own entry, since no principal is known before they run.
    static let recordedByHandler: Set<String> = ["signIn", "completeSetup"]

    /// The operation id of each `METHOD /path/{template}` the document describes.
    static let operationIDs: [String: String] = {
        var ids: [String: String] = [:]
        for (path, item) in OpenAPIDocument.document.paths {
            guard let item = item.pathItemValue else { continue }
            for endpoint in item.endpoints {
                guard let id = endpoint.operation.operationId else { continue }
                ids["\(endpoint.method.rawValue.uppercased()) \(path.rawValue)"] = id
            }
        }
        return ids
    }()

    static func isAudited(_ operationID: String) -> Bool {
        changes.contains(operationID) || personalDataReads.contains(operationID)
    }
}
