import Foundation

public struct MailAddressError: Error, Sendable, Equatable, CustomStringConvertible {
    public let description: String
}

/// A mailbox: an ASCII address plus an optional display name in any script.
public struct MailAddress: Sendable, Hashable {
    public let address: String
    public let displayName: String?

    public init(_ address: String, displayName: String? = nil) throws(MailAddressError) {
        if let problem = Self.problem(with: address) {
            throw MailAddressError(description: "invalid mail address \(address.debugDescription): \(problem)")
        }
        if let displayName, displayName.contains(where: \.isNewline) {
            throw MailAddressError(description: "display name must not contain line breaks")
        }
        self.address = address
        self.displayName = displayName
    }

    private static func problem(with address: String) -> String? {
        if address.utf8.count > 254 { return "longer than 254 characters" }
        let forbidden: Set<UInt8> = [UInt8(ascii: " "), UInt8(ascii: "<"), UInt8(ascii: ">")]
        if address.utf8.contains(where: { $0 >= 0x7F || $0 < 0x20 || forbidden.contains($0) }) {
            return "only printable ASCII without spaces, < or > is allowed"
        }
        let parts = address.split(separator: "@", omittingEmptySubsequences: false)
        guard parts.count == 2 else { return "must contain exactly one @" }
        guard !parts[0].isEmpty, !parts[1].isEmpty else { return "local part and domain must not be empty" }
        return nil
    }
}

public struct MailMessageError: Error, Sendable, Equatable, CustomStringConvertible {
    public let description: String
}

public struct MailMessage: Sendable {
    /// The id without angle brackets, e.g. "msg_01ABC@mail.example.cn".
    public var messageID: String
    public var from: MailAddress
    public var to: MailAddress
    public var subject: String
    public var text: String
    public var html: String?
    public var date: Date
    /// Extra headers such as List-Unsubscribe; checked for header injection when rendered.
    public var headers: [(name: String, value: String)]

    public init(
        messageID: String,
        from: MailAddress,
        to: MailAddress,
        subject: String,
        text: String,
        html: String? = nil,
        date: Date = Date(),
        headers: [(name: String, value: String)] = []
    ) {
        self.messageID = messageID
        self.from = from
        self.to = to
        self.subject = subject
        self.text = text
        self.html = html
        self.date = date
        self.headers = headers
    }

    /// The RFC 5322 message with CRLF line endings, ready for DATA (before dot-stuffing).
    public func rendered() throws -> String {
        var lines = [
            "MIME-Version: 1.0",
            "Date: \(RFC5322.date(date))",
            "Message-ID: <\(try validMessageID())>",
        ]
        lines += try RFC5322.header("From", RFC5322.mailbox(from))
        lines += try RFC5322.header("To", RFC5322.mailbox(to))
        lines += try RFC5322.subjectLines(subject)
        lines += try headers.flatMap { try RFC5322.extraHeaderLines(name: $0.name, value: $0.value) }
        if let html {
            let boundary = "=_" + UUID().uuidString.replacingOccurrences(of: "-", with: "").lowercased()
            lines.append("Content-Type: multipart/alternative; boundary=\"\(boundary)\"")
            lines.append("")
            lines += ["--\(boundary)"] + RFC5322.textPart(text, subtype: "plain")
            lines += ["--\(boundary)"] + RFC5322.textPart(html, subtype: "html")
            lines.append("--\(boundary)--")
        } else {
            lines += RFC5322.textPart(text, subtype: "plain")
        }
        return lines.joined(separator: "\r\n") + "\r\n"
    }

    private func validMessageID() throws(MailMessageError) -> String {
        let allowed = messageID.utf8.allSatisfy {
            $0 > 0x20 && $0 < 0x7F && $0 != UInt8(ascii: "<") && $0 != UInt8(ascii: ">")
        }
        guard allowed, messageID.contains("@"), messageID.utf8.count <= 900 else {
            throw MailMessageError(description: "Message-ID must be printable ASCII of the form id@domain, without < >")
        }
        return messageID
    }
}

/// Header and body encoding rules (RFC 5322, RFC 2045, RFC 2047).
enum RFC5322 {
    static let maxEncodedWordLength = 75
    static let reservedHeaders: Set<String> = [
        "mime-version", "date", "message-id", "from", "to", "subject", "content-type", "content-transfer-encoding",
    ]

    static func date(_ date: Date) -> String {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(secondsFromGMT: 0)!
        let parts = calendar.dateComponents([.weekday, .day, .month, .year, .hour, .minute, .second], from: date)
        let days = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"]
        let months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
        func twoDigits(_ value: Int?) -> String { String(format: "%02d", value ?? 0) }
        return "\(days[parts.weekday! - 1]), \(parts.day!) \(months[parts.month! - 1]) \(parts.year!) "
            + "\(twoDigits(parts.hour)):\(twoDigits(parts.minute)):\(twoDigits(parts.second)) +0000"
    }

    static func mailbox(_ mailbox: MailAddress) -> String {
        guard let name = mailbox.displayName, !name.isEmpty else { return mailbox.address }
        return "\(phrase(name)) <\(mailbox.address)>"
    }

    /// A display name as an atom sequence, a quoted string, or encoded words when it is not plain ASCII.
    static func phrase(_ name: String) -> String {
        if needsEncoding(name) { return encodedWords(name).joined(separator: " ") }
        let specials = Set("()<>[]:;@\\,.\"")
        guard name.contains(where: { specials.contains($0) }) else { return name }
        let escaped = name.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"")
        return "\"\(escaped)\""
    }

    static func subjectLines(_ subject: String) throws(MailMessageError) -> [String] {
        if subject.contains(where: \.isNewline) {
            throw MailMessageError(description: "Subject must not contain line breaks")
        }
        if !needsEncoding(subject), let lines = try? header("Subject", subject) { return lines }
        return try header("Subject", encodedWords(subject).joined(separator: " "))
    }

    static func extraHeaderLines(name: String, value: String) throws(MailMessageError) -> [String] {
        let validName = !name.isEmpty && name.utf8.allSatisfy { $0 > 0x20 && $0 < 0x7F && $0 != UInt8(ascii: ":") }
        guard validName else { throw MailMessageError(description: "invalid header name \(name.debugDescription)") }
        guard !reservedHeaders.contains(name.lowercased()) else {
            throw MailMessageError(description: "header \(name) is set by MailMessage itself")
        }
        guard !value.unicodeScalars.contains(where: { $0 == "\r" || $0 == "\n" || $0 == "\0" }) else {
            throw MailMessageError(description: "header \(name) must not contain line breaks")
        }
        guard value.utf8.allSatisfy({ $0 < 0x80 }) else {
            throw MailMessageError(description: "header \(name) must be ASCII")
        }
        return try header(name, value)
    }

    /// The header folded at spaces to about 78 characters; no line may exceed 998.
    static func header(_ name: String, _ value: String) throws(MailMessageError) -> [String] {
        let lines = fold("\(name): \(value)", width: 78)
        guard lines.allSatisfy({ $0.utf8.count <= 998 }) else {
            throw MailMessageError(description: "header \(name) has a word too long for a 998-character line")
        }
        return lines
    }

    /// Unfolding (dropping each CRLF) gives the input back; never breaks before the first word of the value.
    static func fold(_ header: String, width: Int) -> [String] {
        var lines = [""]
        for (index, word) in header.split(separator: " ", omittingEmptySubsequences: false).enumerated() {
            if index >= 2, !word.isEmpty, lines[lines.count - 1].utf8.count + 1 + word.utf8.count > width {
                lines.append(" " + word)
            } else {
                lines[lines.count - 1] += (index == 0 ? "" : " ") + word
            }
        }
        return lines
    }

    static func needsEncoding(_ text: String) -> Bool {
        text.contains("=?") || text.unicodeScalars.contains { !$0.isASCII || $0.value < 0x20 || $0.value == 0x7F }
    }

    /// `=?UTF-8?B?...?=` words of at most 75 characters, each holding whole Unicode scalars.
    static func encodedWords(_ text: String) -> [String] {
        let overhead = "=?UTF-8?B??=".count
        let maxBytes = (maxEncodedWordLength - overhead) / 4 * 3
        var chunks: [[UInt8]] = [[]]
        for scalar in text.unicodeScalars {
            let bytes = Array(String(scalar).utf8)
            if chunks[chunks.count - 1].count + bytes.count > maxBytes { chunks.append([]) }
            chunks[chunks.count - 1] += bytes
        }
        return chunks.map { "=?UTF-8?B?\(Data($0).base64EncodedString())?=" }
    }

    static func textPart(_ body: String, subtype: String) -> [String] {
        [
            "Content-Type: text/\(subtype); charset=utf-8",
            "Content-Transfer-Encoding: base64",
            "",
        ] + base64Lines(withCRLF(body))
    }

    /// Turns bare CR and bare LF into CRLF.
    static func withCRLF(_ text: String) -> [UInt8] {
        var output: [UInt8] = []
        output.reserveCapacity(text.utf8.count + 16)
        var previous: UInt8 = 0
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: "\n") where previous == UInt8(ascii: "\r"): break
            case UInt8(ascii: "\n"), UInt8(ascii: "\r"): output += [0x0D, 0x0A]
            default: output.append(byte)
            }
            previous = byte
        }
        return output
    }

    static func base64Lines(_ bytes: [UInt8]) -> [String] {
        let encoded = Array(Data(bytes).base64EncodedString().utf8)
        return stride(from: 0, to: encoded.count, by: 76).map { start in
            String(decoding: encoded[start..<min(start + 76, encoded.count)], as: UTF8.self)
        }
    }
}
