import PatronCore
import Testing

/// The pure rules of staff access: passwords, roles, throttling and session lifetimes.
@Suite struct StaffPolicyTests {
    @Test func passwordsPeopleGuessFirstAreRefused() {
        let email = "wang.fang@example.cn"
        #expect(PasswordPolicy.problems(password: "jade teapot on the windowsill", email: email).isEmpty)
        #expect(PasswordPolicy.problems(password: "短密码", email: email) == [.tooShort(minimum: 10)])
        for common in ["password123", "Password123!", "woaini1314520", "qwertyuiop", "1qaz2wsx3edc", "88888888!!"] {
            #expect(PasswordPolicy.problems(password: common, email: email).contains(.common), "\(common)")
        }
        #expect(PasswordPolicy.problems(password: "wang.fang-2026", email: email) == [.containsEmail])
        #expect(PasswordPolicy.problems(password: "zzzzzzzzzzzz", email: email) == [.predictable])
        #expect(PasswordPolicy.problems(password: "0123456789", email: email).contains(.predictable))
        #expect(PasswordPolicy.problems(password: "ponmlkjihgfe", email: email) == [.predictable])
        // bcrypt reads 72 bytes: 25 three-byte characters are 75.
        #expect(
            PasswordPolicy.problems(password: String(repeating: "龍虎", count: 13), email: email)
                == [.tooLong(maximumBytes: 72)])
    }

    @Test func rolesManageOnlyWhatTheyHold() {
        #expect(StaffRole.owner.mayManage(.owner))
        #expect(!StaffRole.admin.mayManage(.owner))
        #expect(StaffRole.admin.mayManage(.admin) && StaffRole.admin.mayManage(.store))
        #expect(!StaffRole.marketer.mayManage(.analyst))
        let supervisor = StaffRole(name: "supervisor", permissions: [.staffManage, .ordersWrite, .couponsRedeem])
        #expect(supervisor.mayManage(StaffRole(name: "barista", permissions: [.ordersWrite])))
        #expect(!supervisor.mayManage(.store))
        #expect(StaffRole.owner.requiresTwoFactor && StaffRole.admin.requiresTwoFactor && supervisor.requiresTwoFactor)
        #expect(!StaffRole.agent.requiresTwoFactor && StaffRole.agent.adjustmentLimit == 500)
        #expect(Set(StaffRole.builtIn.map(\.name)).count == StaffRole.builtIn.count)
    }

    @Test func failedSignInsDoubleTheWaitUpToTheCap() {
        let throttle = SignInThrottle.account
        let last = Timestamp(millisecondsSinceEpoch: 1_000_000)
        func at(_ milliseconds: Int64) -> Timestamp { Timestamp(millisecondsSinceEpoch: 1_000_000 + milliseconds) }
        #expect(throttle.verdict(failures: 2, lastFailure: last, at: at(0)) == .allowed)
        #expect(throttle.verdict(failures: 3, lastFailure: last, at: at(999)) == .wait(until: at(1_000)))
        #expect(throttle.verdict(failures: 3, lastFailure: last, at: at(1_000)) == .allowed)
        #expect(throttle.verdict(failures: 6, lastFailure: last, at: at(0)) == .wait(until: at(8_000)))
        #expect(throttle.verdict(failures: 10, lastFailure: last, at: at(86_400_000 * 30)) == .lockedOut)
        #expect(SignInThrottle.address.verdict(failures: 60, lastFailure: last, at: at(0)) == .wait(until: at(900_000)))
        // A run of failures is forgotten after an hour for an address, a day for an account.
        #expect(SignInThrottle.address.verdict(failures: 20, lastFailure: last, at: at(3_600_001)) == .allowed)
        #expect(throttle.isForgotten(lastFailure: last, at: at(86_400_001)))
        #expect(!throttle.isForgotten(lastFailure: last, at: at(86_400_000)))
        let delays = (0..<50).map { throttle.delayMilliseconds(afterFailures: $0) }
        #expect(zip(delays, delays.dropFirst()).allSatisfy { $0 <= $1 } && delays.last == 900_000)
    }

    @Test func sessionsEndAtTheEarlierOfIdleAndAbsoluteLimits() {
        let policy = SessionPolicy.standard
        let start = Timestamp(millisecondsSinceEpoch: 0)
        func minutes(_ count: Int64) -> Timestamp { Timestamp(millisecondsSinceEpoch: count * 60_000) }
        #expect(policy.expiry(started: start, lastSeen: start) == minutes(30))
        #expect(policy.expiry(started: start, lastSeen: minutes(700)) == minutes(720))
        #expect(policy.isLive(started: start, lastSeen: minutes(10), at: minutes(39)))
        #expect(!policy.isLive(started: start, lastSeen: minutes(10), at: minutes(40)))
        #expect(!policy.shouldTouch(lastSeen: minutes(10), at: Timestamp(millisecondsSinceEpoch: 10 * 60_000 + 59_999)))
        #expect(policy.shouldTouch(lastSeen: minutes(10), at: minutes(11)))
    }

    @Test func oneTimeCodesMatchNeighbouringStepsOnlyOnce() {
        let now = Timestamp(millisecondsSinceEpoch: 1_000 * 30 * 100 + 5_000)
        #expect(OneTimeCodeWindow.step(at: now) == 100)
        #expect(OneTimeCodeWindow.candidateSteps(at: now, lastUsed: nil) == [99, 100, 101])
        #expect(OneTimeCodeWindow.candidateSteps(at: now, lastUsed: 100) == [101])
        #expect(OneTimeCodeWindow.candidateSteps(at: now, lastUsed: 101).isEmpty)
    }
}
