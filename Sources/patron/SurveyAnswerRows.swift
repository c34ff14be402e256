import Foundation
import PatronCore
import PatronStore

/// One answer of an answers import: the invitation it answers, the value, why, and when it was given.
struct ImportedSurveyAnswer: Sendable {
    var line: Int
    var invitationID: String
    var value: Int
    var comment: String?
    var answeredAt: Timestamp?
}

/// Answers from CSV with a header naming invitation_id and value, and optionally comment and answered_at (RFC 3339).
final class CSVSurveyAnswerRows: ImportRowSource {
    private let records: CSVImportReader

    init(path: String) throws {
        records = try CSVImportReader(path: path, required: ["invitation_id", "value"])
    }

    func next() throws -> ImportRow<ImportedSurveyAnswer>? {
        switch try records.next() {
        case .fields(let line): row(line: line)
        case .refused(let line, let reason): .refused(line: line, reason: reason)
        case nil: nil
        }
    }

    private func row(line: Int) -> ImportRow<ImportedSurveyAnswer> {
        func value(_ column: String) -> String? {
            records.field(column).map { $0.trimmingWhitespace() }.flatMap { $0.isEmpty ? nil : $0 }
        }
        guard let invitationID = value("invitation_id") else {
            return .refused(line: line, reason: "invitation_id: is required")
        }
        guard let number = value("value").flatMap({ Int($0) }) else {
            return .refused(line: line, reason: "value: must be a whole number")
        }
        var answeredAt: Timestamp?
        if let text = value("answered_at") {
            guard let instant = Timestamp(rfc3339: text) else {
                return .refused(line: line, reason: "answered_at: must be RFC 3339")
            }
            answeredAt = instant
        }
        return .item(
            ImportedSurveyAnswer(
                line: line, invitationID: invitationID, value: number, comment: records.field("comment"),
                answeredAt: answeredAt))
    }
}

extension Store {
    /// Records imported answers one by one, as the answer page would have at their time: each becomes feedback,
    /// the same answer again is a duplicate, and an answer that cannot be taken is refused with the reason.
    func importSurveyAnswers(_ answers: [ImportedSurveyAnswer]) async throws -> [ImportOutcome] {
        var outcomes: [ImportOutcome] = []
        for row in answers {
            do {
                guard let invitation = try await surveyInvitation(id: row.invitationID) else {
                    throw SurveyError.notFound(invitationID: row.invitationID)
                }
                let answer = try SurveyAnswer.parse(value: row.value, comment: row.comment, kind: invitation.basis.kind)
                let store = row.answeredAt.map { at in with(WallClock { at.millisecondsSinceEpoch }) } ?? self
                let (_, isReplay) = try await store.answerSurvey(row.invitationID, answer: answer)
                outcomes.append(isReplay ? .duplicate : .applied)
            } catch let failure as ValidationFailure {
                outcomes.append(
                    .refused(failure.errors.map { "\($0.pointer.dropFirst()): \($0.detail)" }.joined(separator: "; ")))
            } catch SurveyError.notFound(let id) {
                outcomes.append(.refused("no survey invitation with id '\(id)'"))
            } catch SurveyError.expired(let id) {
                outcomes.append(.refused("invitation '\(id)' had expired when answered"))
            } catch SurveyError.alreadyAnswered(let id) {
                outcomes.append(.refused("invitation '\(id)' was answered already with a different answer"))
            } catch MemberError.erased(let memberID) {
                outcomes.append(.refused("member \(memberID) was erased"))
            }
        }
        return outcomes
    }
}
