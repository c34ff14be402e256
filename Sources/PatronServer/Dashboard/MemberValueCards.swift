import PatronAnalytics
import PatronCore
import PatronStore

/// The parts of a member's page about their value: outlook, referrals and the coupons they hold.
extension MembersPage {
    /// The member's RFM segment by the newest snapshot's quintiles, lifecycle stage today, and P(alive), lifetime
    /// value and the next purchase once a model has been fitted.
    func outlookCard(
        _ view: View, _ outlook: MemberOutlook?, program: LoyaltyProgram
    ) -> Markup {
        let formats = view.formats
        guard let outlook else {
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
        let segment: Markup =
            outlook.segment.map { ranked in
                """
                <dt>\(view.text(.rfmSegmentAsOf, ["date": formats.date(ranked.asOf)]))</dt>\
                <dd>\(view.text(AnalyticsPage.message(ranked.segment)))</dd>
                """
            } ?? "<dt>\(view.text(.rfmSegment))</dt><dd>\(view.text(.rfmNotYet))</dd>"
        return """
            <section class="card"><h2>\(view.text(.outlook))</h2><dl class="facts">
            \(segment)
            <dt>\(view.text(.lifecycleStage))</dt><dd>\(view.text(AnalyticsPage.message(outlook.stage)))</dd>
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

    func couponsTable(
        _ view: View, _ redemptions: [Redemption], at now: Timestamp, program: LoyaltyProgram
    ) -> DataTable {
        DataTable(
            id: "coupons", caption: nil, empty: view.text(.noCoupons),
            columns: [
                .init(label: view.text(.reward)), .init(label: view.text(.couponCode)),
                .init(label: view.text(.status)),
                .init(label: view.text(.source)), .init(label: view.text(.issued)), .init(label: view.text(.expires)),
            ],
            rows: redemptions.map { redemption in
                [
                    DataTable.Cell(redemption.rewardID), .code(redemption.couponCode ?? ""),
                    DataTable.Cell(view.text(Self.message(redemption.state(at: now)))),
                    DataTable.Cell(view.text(Self.message(redemption.source))),
                    Self.instant(redemption.issuedAt, view, program),
                    redemption.expiresAt.map { Self.instant($0, view, program) } ?? DataTable.Cell(""),
                ]
            })
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
        case .trigger: .sourceTrigger
        }
    }
}
