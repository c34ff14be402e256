import PatronCore
import PatronStore

/// A piece of feedback as the API shows it.
struct FeedbackResource: Encodable {
    let item: FeedbackItem

    private enum CodingKeys: String, CodingKey {
        case channel, contact, rating, score, text, language, tags, severity, sentiment, topics
        case feedbackID = "feedback_id"
        case memberID = "member_id"
        case orderID = "order_id"
        case storeID = "store_id"
        case urgentTopics = "urgent_topics"
        case submittedAt = "submitted_at"
        case receivedAt = "received_at"
        case textRemovedAt = "text_removed_at"
        case ticketID = "ticket_id"
    }

    private enum ContactKeys: String, CodingKey {
        case name, email, phone
    }

    private enum SentimentKeys: String, CodingKey {
        case label, score
    }

    func encode(to encoder: any Encoder) throws {
        let feedback = item.submission
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(feedback.feedbackID, forKey: .feedbackID)
        try container.encode(feedback.channel.rawValue, forKey: .channel)
        try container.encode(feedback.memberID, forKey: .memberID)
        if let contact = feedback.contact {
            var nested = container.nestedContainer(keyedBy: ContactKeys.self, forKey: .contact)
            try nested.encode(contact.name, forKey: .name)
            try nested.encode(contact.email?.value, forKey: .email)
            try nested.encode(contact.phone?.e164, forKey: .phone)
        } else {
            try container.encodeNil(forKey: .contact)
        }
        try container.encode(feedback.orderID, forKey: .orderID)
        try container.encode(feedback.storeID, forKey: .storeID)
        try container.encode(feedback.rating, forKey: .rating)
        try container.encode(feedback.score, forKey: .score)
        try container.encode(feedback.text, forKey: .text)
        try container.encode(feedback.language, forKey: .language)
        try container.encode(feedback.tags, forKey: .tags)
        try container.encode(item.assessment.severity.rawValue, forKey: .severity)
        try container.encode(item.assessment.urgentTopics, forKey: .urgentTopics)
        try container.encode(item.assessment.topics, forKey: .topics)
        if let sentiment = item.assessment.sentiment {
            var nested = container.nestedContainer(keyedBy: SentimentKeys.self, forKey: .sentiment)
            try nested.encode(sentiment.label.rawValue, forKey: .label)
            try nested.encode(sentiment.score, forKey: .score)
        } else {
            try container.encodeNil(forKey: .sentiment)
        }
        try container.encode(feedback.submittedAt, forKey: .submittedAt)
        try container.encode(item.receivedAt, forKey: .receivedAt)
        try container.encode(item.textRemovedAt, forKey: .textRemovedAt)
        try container.encode(item.ticketID, forKey: .ticketID)
    }
}
