import PatronCore
import PatronStore

/// The parts of a member's page about their value: outlook, referrals and the coupons they hold.
extension MembersPage {
    /// The member's RFM group and lifecycle stage today, with P(alive), lifetime value and the next purchase once a
    /// model has been fitted.
    func outlookCard(
        _ view: View, _ outlook: (standing: MemberStanding?, prediction: MemberPrediction?, fit: StoredModelFit?),
        program: LoyaltyProgram
    ) -> Markup {
        let formats = view.formats
        guard let standing = outlook.standing else {
            return "<section class=\"card\"><h2>\(view.text(.outlook))</h2><p>\(view.text(.noOrdersYet))</p></section>"
        }
        let predicted: Markup =
            outlook.prediction.map { prediction in
                let next = prediction.expectedNextPurchase.map(formats.date) ?? view.text(.notExpected)
                return """
                    <dt>\(view.text(.probabilityAlive))</dt><dd>\(formats.percent(prediction.probabilityAlive))</dd>
                    <dt>\(view.text(.lifetimeValue))</dt>\
                    <dd>\(formats.money(Int64(prediction.lifetimeValue.rounded()), program.currency))</dd>
                    <dt>\(view.text(.nextPurchase))</dt><dd>\(next)</dd>
                    """
            } ?? "<dt>\(view.text(.probabilityAlive))</dt><dd>\(view.text(.noModelYet))</dd>"
        return """
            <section class="card"><h2>\(view.text(.outlook))</h2><dl class="facts">
            <dt>\(view.text(.segment))</dt><dd>\(view.text(AnalyticsPage.message(standing.segment)))</dd>
            <dt>\(view.text(.lifecycleStage))</dt><dd>\(view.text(AnalyticsPage.message(standing.stage)))</dd>
            \(predicted)</dl></section>
            """
    }

    func referralCard(_ view: View, _ summary: ReferralSummary?) -> Markup {
        let formats = view.formats
        let facts: [(Message, String?)] = [
            (.referralCode, summary?.code ?? view.text(.noReferralCode)),
            (.referredBy, summary?.referredBy),
            (.referralsJoined, formats.exact(summary?.joined ?? 0)),
            (.referralsQualifying, formats.exact(summary?.qualifying ?? 0)),
            (.referralsRewarded, formats.exact(summary?.rewarded ?? 0)),
        ]
        let rows: [Markup] = facts.compactMap { label, value in
            guard let value else { return nil }
            let shown: Markup =
                label == .referredBy ? "<a href=\"/members/\(value)\">\(value)</a>" : "\(value)"
            return "<dt>\(view.text(label))</dt><dd>\(shown)</dd>"
        }
        return "<section class=\"card\"><h2>\(view.text(.referrals))</h2><dl class=\"facts\">\(rows)</dl></section>"
    }

    func couponsTable(_ view: View, _ redemptions: [Redemption], at now: Timestamp, program: LoyaltyProgram) -> Markup {
        let formats = view.formats
        guard !redemptions.isEmpty else {
            return "<section><h2>\(view.text(.coupons))</h2><p>\(view.text(.noCoupons))</p></section>"
        }
        let rows: [Markup] = redemptions.map { redemption in
            let expires = redemption.expiresAt.map { formats.instant($0, offset: program.utcOffset) } ?? ""
            return """
                <tr><td>\(redemption.rewardID)</td><td><code>\(redemption.couponCode ?? "")</code></td>\
                <td>\(view.text(Self.message(redemption.state(at: now))))</td>\
                <td>\(view.text(Self.message(redemption.source)))</td>\
                <td class="nowrap">\(formats.instant(redemption.issuedAt, offset: program.utcOffset))</td>\
                <td class="nowrap">\(expires)</td></tr>
                """
        }
        return """
            <section><h2>\(view.text(.coupons))</h2><div class="table-scroll"><table>
            <thead><tr><th scope="col">\(view.text(.reward))</th><th scope="col">\(view.text(.couponCode))</th>\
            <th scope="col">\(view.text(.status))</th><th scope="col">\(view.text(.source))</th>\
            <th scope="col">\(view.text(.issued))</th><th scope="col">\(view.text(.expires))</th></tr></thead>
            <tbody>\(rows)</tbody></table></div></section>
            """
    }

    static func message(_ state: CouponState) -> Message {
        switch state {
        case .issued: .couponIssued
        case .used: .couponUsed
        case .cancelled: .couponCancelled
        case .expired: .couponExpired
        case .donated: .couponDonated
        }
    }

    static func message(_ source: RedemptionSource) -> Message {
        switch source {
        case .redemption: .sourceRedemption
        case .surprise: .sourceSurprise
        case .birthday: .sourceBirthday
        case .referral: .sourceReferral
        case .goodwill: .sourceGoodwill
        }
    }
}
