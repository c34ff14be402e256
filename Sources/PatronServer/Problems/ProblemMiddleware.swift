import Hummingbird
import Logging
import PatronCore
import PatronStore

/// Turns every error into a problem+json answer: domain errors map to their HTTP meaning once, here;
/// anything unexpected is logged and answered with a 500 that reveals nothing of the internals.
struct ProblemMiddleware<Context: RequestContext>: RouterMiddleware {
    func handle(
        _ request: Request, context: Context, next: (Request, Context) async throws -> Response
    )
        async throws -> Response
    {
        do {
            return try await next(request, context)
        } catch {
            return try Self.problem(for: error, context: context).response(from: request, context: context)
        }
    }

    static func problem(for error: any Error, context: Context) -> Problem {
        switch error {
        case let problem as Problem:
            return problem
        case let failure as ValidationFailure:
            return .invalid(failure)
        case MemberError.notFound(let memberID):
            return .notFound("no member with id '\(memberID)'")
        case ConsentError.unknownPolicyVersion(let index, let version):
            return .invalid(
                ValidationFailure(
                    pointer: "/consents/\(index)/policy_version", detail: "no privacy policy has version '\(version)'"))
        case ConsentError.policyVersionTaken(let version):
            return Problem(
                status: .conflict, title: "Conflict",
                detail: "policy version '\(version)' is registered with other content; versions never change")
        case MemberError.erased(let memberID):
            return Problem(
                status: .gone, title: "Member Erased",
                detail: "member \(memberID) was erased at their request; nothing new is recorded about them")
        case MemberError.identityTaken(let kind, let ownerID):
            return Problem(
                status: .conflict, title: "Conflict",
                detail: "this \(kind.rawValue) already belongs to member \(ownerID)")
        case OrderError.memberNotFound(let memberID):
            return .invalid(ValidationFailure(pointer: "/member_id", detail: "no member with id '\(memberID)'"))
        case OrderError.idReusedWithDifferentContent(let orderID):
            return Problem(
                status: .conflict, title: "Conflict",
                detail: "order '\(orderID)' was already recorded with different content; order ids cannot be reused")
        case ProgramError.versionMismatch(let current):
            return Problem(
                status: .preconditionFailed, title: "Precondition Failed",
                detail:
                    "the program is at version \(current), not the one in If-Match; read it again and send If-Match: \"\(current)\""
            )
        case ProgramError.ruleNotFound(let ruleID):
            return .notFound("no rule with id '\(ruleID)'")
        case let error as FeedbackError:
            return Self.problem(for: error)
        case let error as WebhookError:
            return Self.problem(for: error)
        case SegmentError.notFound(let segmentID):
            return .notFound("no segment with id '\(segmentID)'")
        case SegmentError.versionMismatch(let current):
            return Problem(
                status: .preconditionFailed, title: "Precondition Failed",
                detail: "the segment is at version \(current), not the one in If-Match; read it again")
        case TemplateError.notFound(let templateID):
            return .notFound("no message template with id '\(templateID)'")
        case TemplateError.versionMismatch(let current):
            return Problem(
                status: .preconditionFailed, title: "Precondition Failed",
                detail: "the template is at version \(current), not the one in If-Match; read it again")
        case CampaignError.notFound(let campaignID):
            return .notFound("no campaign with id '\(campaignID)'")
        case CampaignError.versionMismatch(let current):
            return Problem(
                status: .preconditionFailed, title: "Precondition Failed",
                detail: "the campaign is at version \(current), not the one in If-Match; read it again")
        case CampaignError.notDraft(let campaignID, let state):
            return Problem(
                status: .conflict, title: "Conflict",
                detail: "campaign \(campaignID) is \(state.rawValue): only a draft changes")
        case CampaignError.cancelled(let campaignID):
            return Problem(
                status: .conflict, title: "Conflict", detail: "campaign \(campaignID) was cancelled")
        case MessageError.notFound(let messageID):
            return .notFound("no message with id '\(messageID)'")
        case MessageError.keyReused(let key):
            return Problem(
                status: .conflict, title: "Conflict",
                detail: "the key '\(key)' was used for a message to another member or with another template")
        case MessageError.notReplayable(let messageID, let status):
            return Problem(
                status: .conflict, title: "Conflict",
                detail: "message \(messageID) is \(status.rawValue): only a dead or ambiguous message is sent again")
        case let error as TicketError:
            return Self.problem(for: error)
        case SentimentModelError.unknownVersion(let version):
            return .notFound("no sentiment model has version \(version)")
        case let error as SurveyError:
            return Self.problem(for: error)
        case let error as LedgerError:
            return problem(for: error)
        case let error as RewardError:
            return problem(for: error)
        case let error as StaffError:
            return problem(for: error)
        case AnalyticsError.noModelFitted:
            return Problem(
                status: .conflict, title: "No Model Fitted",
                detail:
                    "no lifetime-value model has been fitted yet; run 'patron analytics refit' or wait for the periodic refit"
            )
        case AnalyticsError.notEnoughData(let reason):
            return Problem(status: .conflict, title: "Not Enough Data", detail: reason)
        case let error as HTTPError where error.status == .contentTooLarge:
            return Problem(
                status: .contentTooLarge, title: "Content Too Large",
                detail: "the request body is larger than \(context.maxUploadSize) bytes")
        case let error as HTTPError:
            return Problem(status: error.status, title: error.status.reasonPhrase, detail: error.body)
        default:
            context.logger.error("request.failed", metadata: ["error": "\(String(reflecting: error))"])
            return Problem(
                status: .internalServerError, title: "Internal Server Error",
                detail: "the request could not be completed; nothing was changed unless it was acknowledged")
        }
    }

    static func problem(for error: TicketError) -> Problem {
        switch error {
        case .notFound(let ticketID):
            .notFound("no ticket with id '\(ticketID)'")
        case .cannotMove(let ticketID, let from, let to):
            Problem(
                status: .conflict, title: "Conflict",
                detail: "ticket '\(ticketID)' is \(from.rawValue) and cannot become \(to.rawValue)")
        case .closed(let ticketID):
            Problem(
                status: .conflict, title: "Ticket Closed",
                detail: "ticket '\(ticketID)' is closed; a new message starts a new ticket")
        case .cannotMerge(let ticketID, let target, let reason):
            Problem(
                status: .conflict, title: "Conflict",
                detail: "ticket '\(ticketID)' cannot be merged into '\(target)': \(reason)")
        case .noMember(let ticketID):
            Problem(
                status: .conflict, title: "Conflict",
                detail: "ticket '\(ticketID)' is about nobody known as a member; there is nobody to compensate")
        }
    }

    static func problem(for error: WebhookError) -> Problem {
        switch error {
        case .endpointNotFound(let endpointID): .notFound("no webhook endpoint with id '\(endpointID)'")
        case .deliveryNotFound(let deliveryID): .notFound("no delivery with id '\(deliveryID)' at this endpoint")
        case .endpointDisabled(let endpointID):
            Problem(
                status: .conflict, title: "Endpoint Disabled",
                detail: "webhook endpoint '\(endpointID)' is disabled; enable it (PUT with enabled: true) first")
        case .revisionMismatch(let current):
            Problem(
                status: .preconditionFailed, title: "Precondition Failed",
                detail: "the endpoint is at revision \(current), not the one in If-Match; read it again")
        }
    }

    static func problem(for error: SurveyError) -> Problem {
        switch error {
        case .notFound(let invitationID):
            .notFound("no survey invitation with id '\(invitationID)'")
        case .expired(let invitationID):
            Problem(status: .gone, title: "Gone", detail: "survey invitation '\(invitationID)' has expired")
        case .alreadyAnswered(let invitationID):
            Problem(
                status: .conflict, title: "Conflict",
                detail: "survey invitation '\(invitationID)' was answered already with a different answer")
        }
    }

    static func problem(for error: FeedbackError) -> Problem {
        switch error {
        case .idReusedWithDifferentContent(let feedbackID):
            Problem(
                status: .conflict, title: "Conflict",
                detail: "feedback '\(feedbackID)' was already recorded with different content; use a new feedback_id")
        }
    }

    static func problem(for error: LedgerError) -> Problem {
        switch error {
        case .insufficientPoints(let available, let requested):
            Problem(
                status: .conflict, title: "Insufficient Points",
                detail: "the member has \(available) points available, \(requested) were requested")
        case .refundRefused(let shortfall):
            Problem(
                status: .conflict, title: "Refund Refused",
                detail:
                    "\(shortfall) of the points this refund takes back were already spent and the refund policy is 'refuse'"
            )
        case .orderNotFound(let orderID):
            .notFound("no order with id '\(orderID)'")
        case .memberNotFound(let memberID):
            .notFound("no member with id '\(memberID)'")
        case .refundExceedsOrder(let sku, let requested, let refundable):
            .invalid(
                ValidationFailure(
                    pointer: "/lines",
                    detail: "\(requested) of '\(sku)' requested but only \(refundable) are left to refund on this order"
                ))
        case .orderLinesSummarised(let orderID):
            Problem(
                status: .conflict, title: "Order Lines Not Kept",
                detail:
                    "order '\(orderID)' is older than the program's retention of order lines: its lines were summed "
                    + "into monthly totals, so it can no longer be refunded")
        case .keyReused(let key):
            Problem(
                status: .conflict, title: "Conflict",
                detail: "'\(key)' was already used for a different request; use a new key or id")
        case .lotNotFound(let lotID):
            .notFound("the member has no lot with id '\(lotID)'")
        case .lotNotPending(let lotID, let status):
            Problem(
                status: .conflict, title: "Conflict",
                detail: "lot '\(lotID)' is \(status.rawValue), and only a pending lot can be cancelled")
        }
    }

    static func problem(for error: RewardError) -> Problem {
        switch error {
        case .rewardNotFound(let rewardID):
            return .notFound("no reward with id '\(rewardID)'")
        case .notRedeemable(let rewardID, let refusals):
            var problem = Problem(
                status: .conflict, title: "Not Redeemable",
                detail: "'\(rewardID)' cannot be redeemed: " + refusals.map(\.detail).joined(separator: "; "))
            problem.reasons = refusals.map { Problem.Reason(code: $0.code, detail: $0.detail) }
            return problem
        case .redemptionNotFound(let redemptionID):
            return .notFound("no redemption with id '\(redemptionID)' for this member")
        case .notCancellable(_, let state):
            return Problem(
                status: .conflict, title: "Not Cancellable",
                detail: "the coupon is \(state.rawValue); only an issued, unused coupon can be cancelled")
        case .couponNotFound(let code):
            return .notFound("no coupon with code '\(code)'")
        case .couponRefused(let code, let problem):
            return problemForCoupon(code, problem)
        case .referralCodeNotFound(let code):
            return .invalid(ValidationFailure(pointer: "/referral_code", detail: "no member has the code '\(code)'"))
        case .referralRefused(let refusal):
            var problem = Problem(status: .unprocessableContent, title: "Referral Refused", detail: refusal.detail)
            problem.reasons = [Problem.Reason(code: refusal.rawValue, detail: refusal.detail)]
            return problem
        }
    }

    /// A coupon the till cannot use: 409 for the coupon's own state, 422 on the field that falls short.
    static func problemForCoupon(_ code: String, _ problem: CouponProblem) -> Problem {
        var answer: Problem
        switch problem {
        case .notUsable(let state):
            answer = Problem(
                status: .conflict, title: "Coupon Not Usable", detail: "coupon \(code) is \(state.rawValue)")
        case .usedOnAnotherOrder(let orderID):
            answer = Problem(
                status: .conflict, title: "Coupon Already Used",
                detail: "coupon \(code) was already used on order '\(orderID)'")
        case .notTransferable:
            answer = Problem(
                status: .conflict, title: "Coupon Not Transferable", detail: "coupon \(code): \(problem.detail)")
        case .orderTotalUnknown:
            return .invalid(ValidationFailure(pointer: "/order_total_minor", detail: problem.detail))
        case .belowMinimumSpend(_, _, let recorded):
            return .invalid(
                ValidationFailure(pointer: recorded ? "/order_id" : "/order_total_minor", detail: problem.detail))
        }
        answer.reasons = [Problem.Reason(code: problem.code, detail: problem.detail)]
        return answer
    }
}
