import PatronCore
import SQLKit

/// One row of a feedback import: the feedback, and its member by external id when the file names one that way.
public struct ImportedFeedback: Sendable {
    public var line: Int
    public var externalID: String?
    public var submission: FeedbackSubmission
    /// The row as read, so that importing the same file again is recognised.
    public var fingerprint: String

    public init(line: Int, externalID: String?, submission: FeedbackSubmission, fingerprint: String) {
        self.line = line
        self.externalID = externalID
        self.submission = submission
        self.fingerprint = fingerprint
    }
}

extension Store {
    /// Records past feedback as history, a batch in one transaction: assessed and sealed like any other, its
    /// members named by id or external id (created when unknown), but opening no tickets — it was answered, or
    /// not, long ago. A feedback id seen before is a duplicate, or refused when its content differs.
    public func importFeedback(_ rows: [ImportedFeedback]) async throws -> [ImportOutcome] {
        let (members, programs, clock) = (self.members, self.programs, self.clock)
        return try await database.write { database in
            let now = clock.milliseconds
            let (_, program) = try await programs.current(in: database)
            var outcomes: [ImportOutcome] = []
            for row in rows {
                var submission = row.submission
                do {
                    if let externalID = row.externalID {
                        submission.memberID = try await members.ensure(externalID: externalID, at: now, in: database).id
                    }
                    if let memberID = submission.memberID {
                        do {
                            try await Self.lockLiveMember(memberID, in: database)
                        } catch MemberError.notFound {
                            outcomes.append(.refused("member_id: no member with id '\(memberID)'"))
                            continue
                        }
                    }
                } catch MemberError.erased(let memberID) {
                    outcomes.append(.refused("member \(memberID) was erased"))
                    continue
                }
                if try await Self.insertFeedback(
                    submission, fingerprint: row.fingerprint, at: now, members: members, program: program,
                    sentimentModels: sentimentModels,
                    opensTicket: false, in: database) != nil
                {
                    outcomes.append(.applied)
                    continue
                }
                let stored = try await database.raw(
                    "SELECT request_fingerprint FROM feedback WHERE feedback_id = \(bind: submission.feedbackID)"
                ).first()?.decode(column: "request_fingerprint", as: String.self)
                outcomes.append(
                    stored == row.fingerprint
                        ? .duplicate
                        : .refused("feedback_id '\(submission.feedbackID)' was recorded with different content"))
            }
            return outcomes
        }
    }
}
