import Foundation
import PatronCore
import Testing

/// The guardrails a message passes at send time: member status, channel, consent, caps and quiet hours; the
/// messaging settings they read; and how a failed send is retried.
@Suite struct SendDecisionTests {
    /// Email in English and Chinese, SMS in Chinese only, WeChat in English only, nothing for push; English is
    /// the default.
    static let template = try! MessageTemplate.parse([
        "name": "Spring offer", "category": "marketing", "default_language": "en",
        "contents": [
            ["channel": "email", "language": "en", "subject": "Spring", "text": "Hi {{member.name}}"],
            ["channel": "email", "language": "zh", "subject": "春季", "text": "你好 {{member.name}}"],
            ["channel": "sms", "language": "zh", "text": "你好 {{member.name}}"],
            ["channel": "wechat", "language": "en", "text": "Hi {{member.name}}"],
        ],
    ])

    static let everyChannel = Set(MessageChannel.allCases)

    /// A local time in +08:00.
    static func at(_ local: String) -> Timestamp {
        Timestamp(rfc3339: local + "+08:00")!
    }

    static func member(
        status: MemberStatus = .active, consent: Set<MessageChannel> = everyChannel,
        reachable: Set<MessageChannel> = everyChannel, lastDay: Int = 0, lastWeek: Int = 0, language: String? = "zh"
    ) -> Recipient {
        Recipient(
            memberID: "mem_01", status: status, marketingConsent: consent, reachable: reachable,
            marketingLastDay: lastDay,
            marketingLastWeek: lastWeek, language: language)
    }

    /// Decides with the standard settings (quiet 21:00–08:00, one a day, three a week) in +08:00, at noon unless
    /// told.
    static func decide(
        _ category: MessageCategory = .marketing, channels: [MessageChannel] = [.sms, .email],
        to recipient: Recipient = member(), available: Set<MessageChannel> = everyChannel,
        settings: MessagingSettings = .standard, at now: Timestamp = at("2026-03-10T12:00:00")
    ) -> SendDecision {
        SendDecision.decide(
            category: category, channels: channels, template: template, recipient: recipient, available: available,
            settings: settings, offset: .shanghai, at: now)
    }

    // MARK: - Choosing a channel

    @Test(arguments: [MemberStatus.suspended, .erased])
    func anInactiveMemberIsSkippedWhateverElseHolds(status: MemberStatus) {
        #expect(Self.decide(to: Self.member(status: status)) == .skip(.memberInactive))
        #expect(Self.decide(.transactional, to: Self.member(status: status)) == .skip(.memberInactive))
        #expect(Self.decide(channels: [.push], to: Self.member(status: status, consent: [])) == .skip(.memberInactive))
    }

    @Test func theFirstChannelThatPassesEveryCheckIsChosen() {
        #expect(Self.decide(channels: [.sms, .email]) == .send(.sms))
        #expect(Self.decide(channels: [.email, .sms]) == .send(.email))
        #expect(Self.decide(channels: [.push, .wechat, .sms]) == .send(.wechat))
        #expect(Self.decide(.transactional, channels: [.email, .sms]) == .send(.email))
    }

    @Test func aChannelFailingAnyCheckIsPassedOverForTheNext() {
        #expect(Self.decide(channels: [.push, .email]) == .send(.email))
        #expect(Self.decide(available: [.email]) == .send(.email))
        #expect(Self.decide(to: Self.member(reachable: [.email])) == .send(.email))
        #expect(Self.decide(to: Self.member(consent: [.email])) == .send(.email))
    }

    @Test func aChannelSpeaksTheMembersLanguageItsPrimaryOrTheDefault() {
        // SMS is in Chinese only and the default is English: a French reader gets email, in English.
        #expect(Self.decide(to: Self.member(language: "fr")) == .send(.email))
        #expect(Self.decide(to: Self.member(language: nil)) == .send(.email))
        #expect(Self.decide(to: Self.member(language: "zh-TW")) == .send(.sms))
        #expect(Self.decide(channels: [.sms], to: Self.member(language: "fr")) == .skip(.noContent))
        // WeChat is in English only, which is the default: every reader gets it.
        #expect(Self.decide(channels: [.wechat], to: Self.member(language: "zh")) == .send(.wechat))
    }

    @Test func everySkipReasonIsReachable() {
        var everyoneHeldBack = MessagingSettings.standard
        everyoneHeldBack.globalControl = GlobalControl(percent: 10, salt: "b")
        // "mem_01" lies at 0.067 with this salt; the group holds [0, 0.1).
        #expect(everyoneHeldBack.globalControl.contains("mem_01"))
        let reasons: [SkipReason: SendDecision] = [
            .memberInactive: Self.decide(to: Self.member(status: .suspended)),
            .noContent: Self.decide(channels: [.push]),
            .channelUnavailable: Self.decide(available: [.push]),
            .noAddress: Self.decide(to: Self.member(reachable: [.push])),
            .noConsent: Self.decide(to: Self.member(consent: [.push])),
            .frequencyCap: Self.decide(to: Self.member(lastDay: 1)),
            .globalControl: Self.decide(settings: everyoneHeldBack),
        ]
        // A cancelled campaign's messages are skipped by the cancel, not by these checks.
        #expect(Set(reasons.keys) == Set(SkipReason.allCases).subtracting([.cancelled]))
        for (reason, decision) in reasons {
            #expect(decision == .skip(reason))
        }
    }

    @Test func noChannelsAtAllIsNoContent() {
        #expect(Self.decide(channels: []) == .skip(.noContent))
    }

    @Test func theReasonReportedIsTheFurthestAnyChannelGot() {
        // Push has no content, SMS cannot be sent on this server, email has no address.
        let member = Self.member(reachable: [.sms, .push])
        let available: Set<MessageChannel> = [.email, .push]
        for channels in [[MessageChannel.push, .sms, .email], [.email, .sms, .push], [.sms, .email, .push]] {
            #expect(
                Self.decide(channels: channels, to: member, available: available) == .skip(.noAddress), "\(channels)")
        }
        // SMS lacks consent, email cannot be sent: consent got further, whichever comes first.
        let unconsenting = Self.member(consent: [.email])
        #expect(Self.decide(channels: [.sms, .email], to: unconsenting, available: [.sms]) == .skip(.noConsent))
        #expect(Self.decide(channels: [.email, .sms], to: unconsenting, available: [.sms]) == .skip(.noConsent))
        // Push has no content, email cannot be sent.
        #expect(Self.decide(channels: [.email, .push], available: [.sms]) == .skip(.channelUnavailable))
        #expect(Self.decide(channels: [.push, .email], available: [.sms]) == .skip(.channelUnavailable))
    }

    @Test func consentIsNeededOnlyForMarketing() {
        let unconsenting = Self.member(consent: [])
        #expect(Self.decide(.marketing, to: unconsenting) == .skip(.noConsent))
        #expect(Self.decide(.transactional, to: unconsenting) == .send(.sms))
        // Consent is per channel.
        #expect(Self.decide(.marketing, to: Self.member(consent: [.sms])) == .send(.sms))
        #expect(Self.decide(.marketing, channels: [.email, .sms], to: Self.member(consent: [.sms])) == .send(.sms))
    }

    // MARK: - Caps

    @Test func marketingIsCappedPerDayAndPerWeek() {
        #expect(Self.decide(to: Self.member(lastDay: 0, lastWeek: 2)) == .send(.sms))
        #expect(Self.decide(to: Self.member(lastDay: 1, lastWeek: 1)) == .skip(.frequencyCap))
        #expect(Self.decide(to: Self.member(lastDay: 0, lastWeek: 3)) == .skip(.frequencyCap))
        var settings = MessagingSettings.standard
        settings.marketingPerDay = 2
        settings.marketingPerWeek = 10
        #expect(Self.decide(to: Self.member(lastDay: 1, lastWeek: 9), settings: settings) == .send(.sms))
        #expect(Self.decide(to: Self.member(lastDay: 2, lastWeek: 2), settings: settings) == .skip(.frequencyCap))
        #expect(Self.decide(to: Self.member(lastDay: 1, lastWeek: 10), settings: settings) == .skip(.frequencyCap))
        settings.marketingPerDay = 0
        #expect(Self.decide(to: Self.member(lastDay: 0, lastWeek: 0), settings: settings) == .skip(.frequencyCap))
    }

    @Test func transactionalMessagesAreNeverCapped() {
        #expect(Self.decide(.transactional, to: Self.member(lastDay: 40, lastWeek: 200)) == .send(.sms))
    }

    @Test func aChannelIsFoundBeforeTheCapsAreWeighed() {
        #expect(Self.decide(to: Self.member(consent: [], lastDay: 5, lastWeek: 5)) == .skip(.noConsent))
        #expect(Self.decide(channels: [.push], to: Self.member(lastDay: 5)) == .skip(.noContent))
    }

    // MARK: - Quiet hours

    @Test func marketingInsideQuietHoursIsHeldUntilTheyEnd() {
        // 22:30 local waits for 08:00 the next morning, which is midnight UTC.
        let evening = Self.decide(at: Self.at("2026-03-10T22:30:00"))
        #expect(evening == .hold(until: Self.at("2026-03-11T08:00:00")))
        #expect(evening == .hold(until: Timestamp(rfc3339: "2026-03-11T00:00:00Z")!))
        // 07:59 local (23:59 UTC the day before) waits for 08:00 the same local day.
        #expect(Self.decide(at: Self.at("2026-03-11T07:59:00")) == .hold(until: Self.at("2026-03-11T08:00:00")))
        #expect(Self.decide(at: Self.at("2026-03-11T00:00:00")) == .hold(until: Self.at("2026-03-11T08:00:00")))
        #expect(Self.decide(at: Self.at("2026-03-10T21:00:00")) == .hold(until: Self.at("2026-03-11T08:00:00")))
        // A month's and a year's end are crossed like any midnight.
        #expect(Self.decide(at: Self.at("2026-12-31T23:00:00")) == .hold(until: Self.at("2027-01-01T08:00:00")))
    }

    @Test func marketingOutsideQuietHoursIsSent() {
        #expect(Self.decide(at: Self.at("2026-03-10T12:00:00")) == .send(.sms))
        #expect(Self.decide(at: Self.at("2026-03-10T08:00:00")) == .send(.sms))
        #expect(Self.decide(at: Self.at("2026-03-10T20:59:59")) == .send(.sms))
    }

    @Test func quietHoursHoldOnlyMarketing() {
        #expect(Self.decide(.transactional, at: Self.at("2026-03-10T22:30:00")) == .send(.sms))
        var settings = MessagingSettings.standard
        settings.quietHours = nil
        #expect(Self.decide(settings: settings, at: Self.at("2026-03-10T03:00:00")) == .send(.sms))
    }

    @Test func aMessageNobodyCanReceiveIsSkippedRatherThanHeld() {
        let night = Self.at("2026-03-10T23:00:00")
        #expect(Self.decide(to: Self.member(reachable: []), at: night) == .skip(.noAddress))
        // A capped member at night is held: the caps are weighed when the quiet hours end.
        guard case .hold(let until) = Self.decide(to: Self.member(lastDay: 1), at: night) else {
            Issue.record("a marketing message at night is held")
            return
        }
        #expect(Self.decide(to: Self.member(lastDay: 1), at: until) == .skip(.frequencyCap))
    }

    @Test func aWindowOverMidnightEndsTheMorningAfterItsStart() throws {
        let quiet = MessagingSettings.QuietHours(start: 21 * 60, end: 8 * 60)
        let shanghai = UTCOffset.shanghai
        #expect(quiet.end(holding: Self.at("2026-03-10T22:30:00"), offset: shanghai) == Self.at("2026-03-11T08:00:00"))
        #expect(quiet.end(holding: Self.at("2026-03-11T07:59:00"), offset: shanghai) == Self.at("2026-03-11T08:00:00"))
        #expect(
            quiet.end(holding: Timestamp(rfc3339: "2026-03-10T23:59:59.999Z")!, offset: shanghai)
                == Self.at("2026-03-11T08:00:00"))
        #expect(quiet.end(holding: Self.at("2026-03-11T12:00:00"), offset: shanghai) == nil)
        #expect(quiet.end(holding: Self.at("2026-03-11T08:00:00"), offset: shanghai) == nil)
        #expect(quiet.end(holding: Self.at("2026-03-11T20:59:00"), offset: shanghai) == nil)
        // West of Greenwich: 23:15 on the 10th in -05:00 is 04:15 UTC on the 11th.
        let newYork = try #require(UTCOffset(parsing: "-05:00"))
        let lateEvening = try #require(Timestamp(rfc3339: "2026-03-10T23:15:00-05:00"))
        let end = try #require(quiet.end(holding: lateEvening, offset: newYork))
        #expect(end.rfc3339 == "2026-03-11T13:00:00Z")
        #expect(
            quiet.end(holding: Timestamp(rfc3339: "2026-03-11T00:30:00-05:00")!, offset: newYork)?.rfc3339
                == "2026-03-11T13:00:00Z")
    }

    @Test func aWindowWithinADayEndsTheSameDay() {
        let lunch = MessagingSettings.QuietHours(start: 13 * 60, end: 14 * 60)
        let shanghai = UTCOffset.shanghai
        #expect(lunch.end(holding: Self.at("2026-03-10T13:00:00"), offset: shanghai) == Self.at("2026-03-10T14:00:00"))
        #expect(lunch.end(holding: Self.at("2026-03-10T13:59:59"), offset: shanghai) == Self.at("2026-03-10T14:00:00"))
        #expect(lunch.end(holding: Self.at("2026-03-10T14:00:00"), offset: shanghai) == nil)
        #expect(lunch.end(holding: Self.at("2026-03-10T12:59:00"), offset: shanghai) == nil)
        #expect(lunch.end(holding: Self.at("2026-03-10T23:30:00"), offset: shanghai) == nil)
        #expect(lunch.end(holding: Self.at("2026-03-10T00:30:00"), offset: shanghai) == nil)
        // An early window, 00:00–06:00, in UTC.
        let small = MessagingSettings.QuietHours(start: 0, end: 6 * 60)
        #expect(
            small.end(holding: Timestamp(rfc3339: "2026-03-10T00:00:00Z")!, offset: UTCOffset(minutes: 0))?.rfc3339
                == "2026-03-10T06:00:00Z")
        #expect(small.end(holding: Timestamp(rfc3339: "2026-03-10T06:00:00Z")!, offset: UTCOffset(minutes: 0)) == nil)
    }

    @Test func aHeldMessageIsSentWhenReDecidedAtTheWindowsEnd() throws {
        guard case .hold(let until) = Self.decide(at: Self.at("2026-03-10T23:00:00")) else {
            Issue.record("not held")
            return
        }
        #expect(Self.decide(at: until) == .send(.sms))
    }

    // MARK: - Settings

    @Test func theStandardSettingsAreQuietFromNineToEightOneADayThreeAWeek() throws {
        let standard = MessagingSettings(
            quietHours: .init(start: 1_260, end: 480), marketingPerDay: 1, marketingPerWeek: 3, smsOptOut: "拒收请回复R")
        #expect(MessagingSettings.standard == standard)
        #expect(try LoyaltyProgram.parse([:]).messaging == standard)
        #expect(try LoyaltyProgram.parse(["messaging": [:]]).messaging == standard)
    }

    @Test func theMessagingSectionIsReadFromTheProgram() throws {
        let program = try LoyaltyProgram.parse([
            "messaging": [
                "quiet_hours": ["start": "22:30", "end": "07:05"], "marketing_per_day": 2, "marketing_per_week": 5,
                "sms_opt_out": "回T退订",
            ]
        ])
        #expect(
            program.messaging
                == MessagingSettings(
                    quietHours: .init(start: 1_350, end: 425), marketingPerDay: 2, marketingPerWeek: 5,
                    smsOptOut: "回T退订"))
        // What is left out stays standard.
        let partial = try LoyaltyProgram.parse(["messaging": ["marketing_per_week": 0]]).messaging
        #expect(partial.marketingPerWeek == 0)
        #expect(partial.quietHours == MessagingSettings.standard.quietHours && partial.marketingPerDay == 1)
    }

    @Test func nullQuietHoursTurnThemOff() throws {
        let program = try LoyaltyProgram.parse(["messaging": ["quiet_hours": nil]])
        #expect(program.messaging.quietHours == nil)
        #expect(program.messaging.marketingPerDay == 1)
    }

    @Test func badMessagingSettingsAreReportedAtTheirPointers() {
        let errors = Self.programErrors([
            "messaging": [
                "quiet_hours": ["start": "9:00", "end": "24:00"], "marketing_per_day": 101,
                "marketing_per_week": -1, "sms_opt_out": .string(String(repeating: "退", count: 41)),
            ]
        ])
        #expect(
            errors == [
                FieldError(pointer: "/messaging/quiet_hours/start", detail: "must be a time of day such as 21:00"),
                FieldError(pointer: "/messaging/quiet_hours/end", detail: "must be a time of day such as 21:00"),
                FieldError(pointer: "/messaging/marketing_per_day", detail: "must be 0 to 100"),
                FieldError(pointer: "/messaging/marketing_per_week", detail: "must be 0 to 100"),
                FieldError(pointer: "/messaging/sms_opt_out", detail: "must be at most 40 characters"),
            ])
    }

    @Test(arguments: ["21:60", "7:00", "07:00:00", "0700", "ab:cd", "", "07.00", "+7:00", "-0:00", "+1:+5"])
    func aClockTimeMustBeHoursAndMinutes(text: String) {
        let errors = Self.programErrors(["messaging": ["quiet_hours": ["start": .string(text), "end": "08:00"]]])
        #expect(
            errors.first?.pointer == "/messaging/quiet_hours/start" && errors.count == 1,
            "\(errors)")
    }

    @Test func aQuietWindowMustHaveBothEndsAndTheyMustDiffer() {
        #expect(
            Self.programErrors(["messaging": ["quiet_hours": ["start": "21:00", "end": "21:00"]]])
                == [FieldError(pointer: "/messaging/quiet_hours/end", detail: "must differ from start")])
        #expect(
            Self.programErrors(["messaging": ["quiet_hours": ["start": "21:00"]]])
                == [FieldError(pointer: "/messaging/quiet_hours/end", detail: "is required")])
        #expect(
            Self.programErrors(["messaging": ["quiet_hours": "21:00-08:00"]])
                == [FieldError(pointer: "/messaging/quiet_hours", detail: "must be an object, not string")])
    }

    @Test func settingsAreWrittenAsTheyAreRead() throws {
        let thanks = MessageTrigger(
            triggerID: "thanks", kind: .postPurchase, templateID: "thank-you", channels: [.wechat, .email], days: 3,
            segmentID: "vip")
        let custom = MessagingSettings(
            quietHours: .init(start: 5, end: 23 * 60 + 55), marketingPerDay: 0, marketingPerWeek: 100,
            smsOptOut: "回T退订", triggers: [thanks], globalControl: GlobalControl(percent: 2.5, salt: "2026"))
        let written = try Self.json(custom)
        #expect(
            written == [
                "quiet_hours": ["start": "00:05", "end": "23:55"], "marketing_per_day": 0, "marketing_per_week": 100,
                "sms_opt_out": "回T退订",
                "triggers": [
                    [
                        "trigger_id": "thanks", "kind": "post_purchase", "template_id": "thank-you",
                        "channels": ["wechat", "email"], "days": 3, "segment_id": "vip",
                    ]
                ],
                "global_control": ["percent": 2.5, "salt": "2026"],
            ])
        #expect(try LoyaltyProgram.parse(["messaging": written]).messaging == custom)

        var silent = MessagingSettings.standard
        silent.quietHours = nil
        let none = try Self.json(silent)
        #expect(
            none == [
                "quiet_hours": nil, "marketing_per_day": 1, "marketing_per_week": 3, "sms_opt_out": "拒收请回复R",
                "triggers": [], "global_control": ["percent": 0, "salt": "global-control"],
            ])
        #expect(try LoyaltyProgram.parse(["messaging": none]).messaging == silent)
        #expect(try Self.json(LoyaltyProgram.standard)["messaging"] == Self.json(MessagingSettings.standard))
    }

    // MARK: - Global control

    @Test func theGlobalControlGroupIsSentNoMarketingButStillItsTransactionalMessages() {
        var settings = MessagingSettings.standard
        settings.globalControl = GlobalControl(percent: 10, salt: "program")
        let members = (0..<2_000).map { "mem_\($0)" }
        let held = members.filter { settings.globalControl.contains($0) }
        // A stable tenth or so: 200 expected, and a binomial's spread is about 13.
        #expect((150...250).contains(held.count), "\(held.count)")
        for member in held.prefix(20) {
            var recipient = Self.member()
            recipient.memberID = member
            #expect(Self.decide(.marketing, to: recipient, settings: settings) == .skip(.globalControl))
            #expect(Self.decide(.transactional, to: recipient, settings: settings) == .send(.sms))
        }
        let free = members.first { !settings.globalControl.contains($0) }
        var recipient = Self.member()
        recipient.memberID = free ?? ""
        #expect(Self.decide(.marketing, to: recipient, settings: settings) == .send(.sms))
        // Off by default: nobody is held back.
        #expect(members.allSatisfy { !MessagingSettings.standard.globalControl.contains($0) })
    }

    @Test func aGlobalControlOutsideItsRangeIsRefused() {
        #expect(
            Self.programErrors(["messaging": ["global_control": ["percent": 21, "salt": ""]]]) == [
                FieldError(pointer: "/messaging/global_control/percent", detail: "must be 0 to 20"),
                FieldError(pointer: "/messaging/global_control/salt", detail: "must not be blank"),
            ])
    }

    @Test func aTriggersRewardIsCheckedAndNamedForTheCatalogCheck() throws {
        let program = try LoyaltyProgram.parse([
            "messaging": [
                "triggers": [
                    [
                        "trigger_id": "welcome", "kind": "welcome", "template_id": "hello",
                        "reward": ["points": 50, "reward_id": "CAKE"],
                    ]
                ]
            ]
        ])
        #expect(program.messaging.triggers.first?.reward == GrantedReward(points: 50, rewardID: "CAKE"))
        #expect(
            program.unknownRewards(existing: []) == [
                FieldError(
                    pointer: "/messaging/triggers/0/reward/reward_id",
                    detail: "no reward with id 'CAKE'; create it with POST /v1/rewards first")
            ])
        let written = try Self.json(program.messaging)
        #expect(try LoyaltyProgram.parse(["messaging": written]).messaging == program.messaging)
        #expect(
            Self.programErrors([
                "messaging": [
                    "triggers": [
                        ["trigger_id": "w", "kind": "welcome", "template_id": "hello", "reward": ["points": 0]]
                    ]
                ]
            ]) == [FieldError(pointer: "/messaging/triggers/0/reward/points", detail: "must be greater than zero")])
    }

    static func json(_ value: some Encodable) throws -> JSONValue {
        try JSONDecoder().decode(JSONValue.self, from: JSONEncoder().encode(value))
    }

    static func programErrors(_ body: JSONValue) -> [FieldError] {
        do {
            _ = try LoyaltyProgram.parse(body)
            Issue.record("accepted")
            return []
        } catch {
            return error.errors
        }
    }

    // MARK: - Delivery

    @Test func onlySentSkippedDeadAndAmbiguousMessagesAreFinal() {
        #expect(Set(MessageStatus.allCases.filter(\.isFinal)) == [.sent, .skipped, .dead, .ambiguous])
        #expect(MessageStatus.allCases.count == 8)
    }

    @Test func aFailedSendIsRetriedAfterOneFiveThirtyMinutesThenTwoAndSixHours() {
        let now: Int64 = 1_000_000
        let waits = (1...6).map { MessageRetry.schedule.nextAttempt(after: $0, at: now, jitter: 0).map { $0 - now } }
        #expect(waits == [60_000, 300_000, 1_800_000, 7_200_000, 21_600_000, nil])
        #expect(MessageRetry.schedule.nextAttempt(after: 0, at: now, jitter: 0) == nil)
        #expect(MessageRetry.schedule.nextAttempt(after: -1, at: now, jitter: 0) == nil)
    }

    @Test func jitterStretchesAWaitByAtMostATenth() {
        let schedule = RetrySchedule(seconds: [100, 2_000])
        #expect(schedule.waits == [100_000, 2_000_000])
        #expect(schedule.nextAttempt(after: 1, at: 0, jitter: 0.5) == 105_000)
        #expect(schedule.nextAttempt(after: 2, at: 50, jitter: 0.25) == 2_050_050)
        // Out of range jitter is held to [0, 1].
        #expect(schedule.nextAttempt(after: 1, at: 0, jitter: 7) == 110_000)
        #expect(schedule.nextAttempt(after: 1, at: 0, jitter: -3) == 100_000)
        #expect(schedule.nextAttempt(after: 3, at: 0, jitter: 0) == nil)
        #expect(RetrySchedule(seconds: []).nextAttempt(after: 1, at: 0, jitter: 0) == nil)
    }
}
