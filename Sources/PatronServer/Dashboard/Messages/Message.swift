/// Every sentence and label of the dashboard, by key. The text is in one catalog per language
/// (`Messages+en.swift`, `Messages+zh.swift`), each a switch over every key, so a key without its text in either
/// language does not build. `{name}` in a text is filled in from the values a page gives.
enum Message: String, CaseIterable, Sendable {
    case skipToContent
    case navigationLabel
    case signOut
    case signIn
    case signInTitle
    case email
    case password
    case signInCode
    case signInCodeHint
    case signInCodeRequired
    case signInFinishSetup
    case signInTooManyAttempts
    case signInFailed
    case formExpiredTitle
    case formExpired
    case forbiddenTitle
    case forbidden
    case notFoundTitle
    case notFound
    case overviewTitle
    case membersTitle
    case period
    case periodFrom
    case periodTo
    case show
    case lastDays
    case periodRefused
    case periodShown
    case members
    case activeMembers
    case revenue
    case orders
    case repurchaseRate
    case pointsIssued
    case pointsRedeemed
    case pointsExpired
    case redemptionRate
    case breakageRate
    case pointsLiability
    case liabilityNote
    case noEarlierFigure
    case changeUp
    case changeDown
    case changeFlat
    case percentagePoints
    case revenueCaption
    case revenueCaptionUp
    case revenueCaptionDown
    case revenueByDay
    case thisPeriod
    case previousPeriod
    case dataTable
    case day
    case customers
    case memberSearchLabel
    case memberSearchHint
    case search
    case noMemberFound
    case searchResults
    case name
    case phone
    case externalID
    case joined
    case memberID
    case birthday
    case status
    case profile
    case tier
    case noTierProgram
    case topTier
    case tierProgress
    case qualifyingValue
    case points
    case available
    case pending
    case lifetimeEarned
    case whatExpires
    case expiresOn
    case journal
    case when
    case kind
    case reason
    case balanceAfter
    case recentOrders
    case order
    case storeOrChannel
    case total
    case entryEarn
    case entrySpend
    case entryExpire
    case entryReverse
    case entryAdjust
    case entryCancel
    case entryRestore
    case entrySettle
    case statusActive
    case statusSuspended
    case programTitle
    case programVersion
    case earningRules
    case ruleID
    case priority
    case tiers
    case threshold
    case multiplier
    case membersInTier
    case ruleSaved
    case editRule
    case ruleDefinition
    case ruleHint
    case ruleNotJSON
    case programChanged
    case programChangedSince
    case ruleNow
    case save
    case cancel
    case analyticsTitle
    case customersOn
    case rfmSegments
    case lifecycleStages
    case segment
    case share
    case cohort
    case cohortCaption
    case cohortHint
    case pointsByExpiry
    case pointsByExpiryNote
    case expiryMonth
    case segmentChampions
    case segmentLoyal
    case segmentPotentialLoyalist
    case segmentNew
    case segmentPromising
    case segmentNeedAttention
    case segmentAboutToSleep
    case segmentAtRisk
    case segmentCannotLoseThem
    case segmentHibernating
    case segmentLost
    case stageNew
    case stageActive
    case stageDormant
    case stageAtRisk
    case stageChurned
    case noModelYet
    case notExpected
    case noOrdersYet
    case outlook
    case lifecycleStage
    case probabilityAlive
    case lifetimeValue
    case nextPurchase
    case referrals
    case referralCode
    case noReferralCode
    case referredBy
    case referralsJoined
    case referralsQualifying
    case referralsRewarded
    case coupons
    case noCoupons
    case reward
    case couponCode
    case source
    case issued
    case expires
    case couponIssued
    case couponUsed
    case couponCancelled
    case couponExpired
    case couponDonated
    case sourceRedemption
    case sourceSurprise
    case sourceBirthday
    case sourceReferral
    case sourceGoodwill
    case pointsAdjusted
    case rewardGiven
    case pointsInvalid
    case reasonRequired
    case adjustmentOverLimit
    case notEnoughPoints
    case formSentBefore
    case chooseReward
    case giftOverLimit
    case adjustmentLimitHint
    case noRewardToGive
    case giveReward
    case giveRewardTitle
    case adjustPoints
    case pointsToAdd
    case adjust
    case giftInactive
    case giftOutOfStock
    case giftMemberLimit
}

enum Messages {
    static func text(_ message: Message, in language: Language) -> String {
        switch language {
        case .en: english(message)
        case .zh: chinese(message)
        }
    }

    static func text(_ message: Message, in language: Language, _ values: [String: String]) -> String {
        var text = text(message, in: language)
        for (name, value) in values {
            text = text.replacing("{" + name + "}", with: value)
        }
        return text
    }
}
