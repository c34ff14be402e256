/// Where a piece of feedback came from.
public enum FeedbackChannel: String, Sendable, Hashable, Codable, CaseIterable {
    case store, app, web, phone, social, email, wechat, survey
}

/// How to reach someone who gave feedback without being a member (or beside their profile).
public struct FeedbackContact: Sendable, Hashable {
    public var name: String?
    public var email: EmailAddress?
    public var phone: PhoneNumber?

    public init(name: String? = nil, email: EmailAddress? = nil, phone: PhoneNumber? = nil) {
        self.name = name
        self.email = email
        self.phone = phone
    }

    public var isEmpty: Bool { name == nil && email == nil && phone == nil }
}

/// Feedback as submitted to `POST /v1/feedback`, validated: a rating, a score or some text, from a channel, by a
/// member or someone who left a contact (or nobody known).
public struct FeedbackSubmission: Sendable, Hashable {
    public var feedbackID: String
    public var channel: FeedbackChannel
    public var memberID: String?
    public var contact: FeedbackContact?
    public var orderID: String?
    public var storeID: String?
    /// 1 (worst) to 5 stars.
    public var rating: Int?
    /// 0 to 10, as an NPS question asks it.
    public var score: Int?
    public var text: String?
    /// A BCP 47 language tag such as `zh-CN` or `en`.
    public var language: String?
    public var tags: [String]
    public var submittedAt: Timestamp

    public init(
        feedbackID: String, channel: FeedbackChannel, memberID: String? = nil, contact: FeedbackContact? = nil,
        orderID: String? = nil, storeID: String? = nil, rating: Int? = nil, score: Int? = nil, text: String? = nil,
        language: String? = nil, tags: [String] = [], submittedAt: Timestamp
    ) {
        self.feedbackID = feedbackID
        self.channel = channel
        self.memberID = memberID
        self.contact = contact
        self.orderID = orderID
        self.storeID = storeID
        self.rating = rating
        self.score = score
        self.text = text
        self.language = language
        self.tags = tags
        self.submittedAt = submittedAt
    }

    public static let maximumTextLength = 10_000
    public static let maximumTags = 20

    /// Validates a decoded request body received at `now`, reporting every problem at once; `pointer` prefixes
    /// error locations (`/properties` for a track event's).
    public static func parse(
        _ body: JSONValue, pointer: String = "", receivedAt now: Timestamp
    ) throws(ValidationFailure)
        -> FeedbackSubmission
    {
        var reader = FieldReader(body, pointer: pointer)
        let feedbackID = reader.string("feedback_id", required: true, maxLength: 128)?.trimmingWhitespace()
        if feedbackID?.isEmpty == true { reader.fail("feedback_id", "must not be blank") }
        let channel: FeedbackChannel? = reader.choice("channel", required: true)
        let memberID = reader.string("member_id", maxLength: 64)
        let contact = reader.nested("contact") { contact in
            let name = contact.string("name", maxLength: 200)
            let emailText = contact.string("email", maxLength: 254)
            let email = emailText.flatMap(EmailAddress.init)
            if emailText != nil, email == nil { contact.fail("email", "must be an email address") }
            let phoneText = contact.string("phone", maxLength: 32)
            let phone = phoneText.flatMap(PhoneNumber.init)
            if phoneText != nil, phone == nil {
                contact.fail("phone", "must be a phone number, with +country code unless it is a Chinese number")
            }
            return FeedbackContact(name: name, email: email, phone: phone)
        }
        let orderID = reader.string("order_id", maxLength: 128)
        let storeID = reader.string("store_id", maxLength: 128)
        let rating = reader.int("rating")
        if let rating, !(1...5).contains(rating) { reader.fail("rating", "must be 1 to 5") }
        let score = reader.int("score")
        if let score, !(0...10).contains(score) { reader.fail("score", "must be 0 to 10") }
        let text = reader.string("text", maxLength: maximumTextLength)
        let language = reader.string("language", maxLength: 35)
        if let language, !isLanguageTag(language) {
            reader.fail("language", "must be a language tag such as zh-CN or en")
        }
        let tags = reader.strings("tags", maxLength: 64) ?? []
        if tags.count > maximumTags { reader.fail("tags", "must hold at most \(maximumTags) tags") }
        if tags.contains(where: { $0.trimmingWhitespace().isEmpty }) {
            reader.fail("tags", "must not hold a blank tag")
        }
        let submittedAt = reader.timestamp("submitted_at") ?? now
        let latest = Timestamp(
            millisecondsSinceEpoch: now.millisecondsSinceEpoch + OrderSubmission.maximumClockSkewMilliseconds)
        if submittedAt > latest {
            reader.fail("submitted_at", "must not be more than 5 minutes in the future (after \(latest.rfc3339))")
        }
        if reader.errors.isEmpty, rating == nil, score == nil, (text ?? "").trimmingWhitespace().isEmpty {
            reader.fail("text", "is required unless a rating or a score is given")
        }
        try reader.finish()
        guard let feedbackID, let channel else {
            throw ValidationFailure(pointer: pointer.isEmpty ? "/" : pointer, detail: "is incomplete")
        }
        return FeedbackSubmission(
            feedbackID: feedbackID, channel: channel, memberID: memberID,
            contact: contact.flatMap { $0.isEmpty ? nil : $0 }, orderID: orderID, storeID: storeID, rating: rating,
            score: score, text: text, language: language, tags: tags, submittedAt: submittedAt)
    }

    /// `zh`, `zh-CN`, `en-GB`, `zh-Hans-CN`: letters and digits in parts of 1 to 8, the first all letters.
    static func isLanguageTag(_ text: String) -> Bool {
        let parts = text.split(separator: "-", omittingEmptySubsequences: false)
        guard let first = parts.first, (2...8).contains(first.count),
            first.unicodeScalars.allSatisfy({ ("a"..."z").contains($0) || ("A"..."Z").contains($0) })
        else { return false }
        return parts.dropFirst().allSatisfy { part in
            (1...8).contains(part.count)
                && part.unicodeScalars.allSatisfy {
                    ("a"..."z").contains($0) || ("A"..."Z").contains($0) || ("0"..."9").contains($0)
                }
        }
    }
}
