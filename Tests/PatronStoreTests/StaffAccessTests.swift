import PatronCore
import PatronStore
import PatronTestSupport
import Synchronization
import Testing

/// Staff accounts on a real database: set-up links, passwords, one-time codes, sessions and throttled guessing.
@Suite struct StaffAccessTests {
    static let start: Int64 = 1_796_000_000_000
    static let origin = ClientOrigin(address: "203.0.113.7", userAgent: "tests")
    static let password = "jade teapot on the windowsill"

    /// A store whose clock the test moves.
    final class Timeline: Sendable {
        let time = Mutex<Int64>(StaffAccessTests.start)
        var clock: WallClock { WallClock { self.time.withLock { $0 } } }
        var now: Timestamp { Timestamp(millisecondsSinceEpoch: time.withLock { $0 }) }
        func advance(seconds: Int64) { time.withLock { $0 += seconds * 1_000 } }
        func later(seconds: Int64) -> Timestamp {
            Timestamp(millisecondsSinceEpoch: now.millisecondsSinceEpoch + seconds * 1_000)
        }
    }

    /// Invites and sets up an owner with an authenticator; returns the account and its secret.
    static func owner(_ store: Store, email: String = "owner@example.cn") async throws -> (StaffUser, OneTimeCode) {
        let invitation = try await store.inviteStaff(email: email, roleName: "owner", stores: nil, actingRole: nil)
        let setup = try await store.staffSetup(token: invitation.setupToken)
        let code = OneTimeCode(secret: try #require(Base32.decode(setup.oneTimeCodeSecret)))
        let step = OneTimeCodeWindow.step(at: store.clock.now)
        let (user, recovery) = try await store.completeStaffSetup(
            token: invitation.setupToken, password: password, oneTimeCode: code.code(step: step))
        #expect(recovery?.count == 10)
        return (user, code)
    }

    @Test(arguments: TestDatabase.engines)
    func ownerSetsUpSignsInAndOut(engine: DatabaseEngine) async throws {
        let timeline = Timeline()
        try await TestDatabase.withStore(engine, clock: timeline.clock) { store in
            let invitation = try await store.inviteStaff(
                email: " Owner@Example.CN ", roleName: "owner", stores: nil, actingRole: nil)
            #expect(invitation.user.status == .invited && invitation.user.email == "owner@example.cn")
            let setup = try await store.staffSetup(token: invitation.setupToken)
            #expect(setup.provisioningURI.contains("secret=\(setup.oneTimeCodeSecret)"))
            let code = OneTimeCode(secret: try #require(Base32.decode(setup.oneTimeCodeSecret)))

            // An owner must enrol a second factor and choose a password nobody guesses first.
            await #expect(throws: StaffError.oneTimeCodeRequired) {
                _ = try await store.completeStaffSetup(
                    token: invitation.setupToken, password: Self.password, oneTimeCode: nil)
            }
            await #expect(throws: StaffError.weakPassword([.common])) {
                _ = try await store.completeStaffSetup(
                    token: invitation.setupToken, password: "Password123!", oneTimeCode: "000000")
            }
            let step = OneTimeCodeWindow.step(at: timeline.now)
            let (user, recovery) = try await store.completeStaffSetup(
                token: invitation.setupToken, password: Self.password, oneTimeCode: code.code(step: step))
            #expect(user.status == .active && user.hasSecondFactor && recovery?.count == 10)
            // The link is used up.
            await #expect(throws: StaffError.setupLinkInvalid) {
                _ = try await store.staffSetup(token: invitation.setupToken)
            }

            await #expect(throws: StaffError.secondFactorRequired) {
                _ = try await store.signIn(
                    email: "owner@example.cn", password: Self.password, oneTimeCode: nil, recoveryCode: nil,
                    from: Self.origin)
            }
            // The code used at set-up cannot be used again; the next step's can.
            await #expect(throws: StaffError.signInFailed) {
                _ = try await store.signIn(
                    email: "owner@example.cn", password: Self.password, oneTimeCode: code.code(step: step),
                    recoveryCode: nil, from: Self.origin)
            }
            timeline.advance(seconds: 30)
            let session = try await store.signIn(
                email: "OWNER@example.cn", password: Self.password, oneTimeCode: code.code(step: step + 1),
                recoveryCode: nil, from: Self.origin)
            let token = try #require(session.token)
            let found = try #require(try await store.staffSession(token: token))
            #expect(found.user.id == user.id && found.csrfToken == session.csrfToken)

            // A recovery code works once.
            let recoveryCode = try #require(recovery?.first)
            _ = try await store.signIn(
                email: "owner@example.cn", password: Self.password, oneTimeCode: nil, recoveryCode: recoveryCode,
                from: Self.origin)
            await #expect(throws: StaffError.signInFailed) {
                _ = try await store.signIn(
                    email: "owner@example.cn", password: Self.password, oneTimeCode: nil,
                    recoveryCode: recoveryCode, from: Self.origin)
            }

            try await store.signOut(token: token)
            #expect(try await store.staffSession(token: token) == nil)
        }
    }

    @Test(arguments: TestDatabase.engines)
    func sessionsEndWhenIdleOrOld(engine: DatabaseEngine) async throws {
        let timeline = Timeline()
        try await TestDatabase.withStore(engine, clock: timeline.clock) { store in
            let invitation = try await store.inviteStaff(
                email: "analyst@example.cn", roleName: "analyst", stores: nil, actingRole: nil)
            _ = try await store.completeStaffSetup(
                token: invitation.setupToken, password: Self.password, oneTimeCode: nil)
            func signIn() async throws -> String {
                try #require(
                    try await store.signIn(
                        email: "analyst@example.cn", password: Self.password, oneTimeCode: nil, recoveryCode: nil,
                        from: Self.origin
                    ).token)
            }
            let idle = try await signIn()
            timeline.advance(seconds: 29 * 60)
            #expect(try await store.staffSession(token: idle) != nil)
            timeline.advance(seconds: 29 * 60)
            // Seen 29 minutes ago, so still live; then 31 minutes without a request end it.
            #expect(try await store.staffSession(token: idle) != nil)
            timeline.advance(seconds: 31 * 60)
            #expect(try await store.staffSession(token: idle) == nil)

            let busy = try await signIn()
            for _ in 0..<24 {
                #expect(try await store.staffSession(token: busy) != nil)
                timeline.advance(seconds: 29 * 60)
            }
            // 11.6 hours of steady use, then past 12 hours.
            timeline.advance(seconds: 30 * 60)
            #expect(try await store.staffSession(token: busy) == nil)

            let first = try await signIn()
            let second = try await signIn()
            try await store.signOutEverywhere(userID: invitation.user.id)
            #expect(try await store.staffSession(token: first) == nil)
            #expect(try await store.staffSession(token: second) == nil)
        }
    }

    @Test(arguments: TestDatabase.engines)
    func guessingSlowsDownThenLocksTheAccount(engine: DatabaseEngine) async throws {
        let timeline = Timeline()
        try await TestDatabase.withStore(engine, clock: timeline.clock) { store in
            let (owner, code) = try await Self.owner(store)
            func attempt(_ password: String, from address: String = "198.51.100.1") async throws -> StaffSession {
                try await store.signIn(
                    email: owner.email, password: password,
                    oneTimeCode: code.code(step: OneTimeCodeWindow.step(at: timeline.now)), recoveryCode: nil,
                    from: ClientOrigin(address: address, userAgent: nil))
            }
            for _ in 0..<3 {
                await #expect(throws: StaffError.signInFailed) { _ = try await attempt("wrong password!") }
            }
            // The fourth attempt waits a second, even with the right password.
            await #expect(throws: StaffError.tooManyAttempts(retryAt: timeline.later(seconds: 1))) {
                _ = try await attempt(Self.password)
            }
            var expectedDelay: Int64 = 1
            for failures in 3..<10 {
                timeline.advance(seconds: expectedDelay)
                await #expect(throws: StaffError.signInFailed) {
                    _ = try await attempt("wrong password!", from: "198.51.100.\(failures)")
                }
                expectedDelay *= 2
            }
            // Ten failures: locked until someone who manages owners lifts it.
            timeline.advance(seconds: 3_600)
            await #expect(throws: StaffError.lockedOut) { _ = try await attempt(Self.password) }
            #expect(try await store.staffUser(id: owner.id)?.isLockedOut == true)
            await #expect(throws: StaffError.notPermitted(role: "owner")) {
                _ = try await store.unlockStaff(id: owner.id, actingRole: .admin)
            }
            let unlocked = try await store.unlockStaff(id: owner.id, actingRole: .owner)
            #expect(!unlocked.isLockedOut)
            timeline.advance(seconds: 30)
            #expect(try await attempt(Self.password).user.id == owner.id)
        }
    }

    @Test(arguments: TestDatabase.engines)
    func unknownAccountsAreRefusedAndThrottledAlike(engine: DatabaseEngine) async throws {
        let timeline = Timeline()
        try await TestDatabase.withStore(engine, clock: timeline.clock) { store in
            for _ in 0..<3 {
                await #expect(throws: StaffError.signInFailed) {
                    _ = try await store.signIn(
                        email: "nobody@example.cn", password: Self.password, oneTimeCode: nil, recoveryCode: nil,
                        from: Self.origin)
                }
            }
            await #expect(throws: StaffError.tooManyAttempts(retryAt: timeline.later(seconds: 1))) {
                _ = try await store.signIn(
                    email: "nobody@example.cn", password: Self.password, oneTimeCode: nil, recoveryCode: nil,
                    from: ClientOrigin(address: "192.0.2.1", userAgent: nil))
            }
        }
    }

    @Test(arguments: TestDatabase.engines)
    func rolesLimitWhoManagesWhom(engine: DatabaseEngine) async throws {
        try await TestDatabase.withStore(engine) { store in
            await #expect(throws: StaffError.notPermitted(role: "owner")) {
                _ = try await store.inviteStaff(
                    email: "second@example.cn", roleName: "owner", stores: nil, actingRole: .admin)
            }
            await #expect(throws: StaffError.notPermitted(role: "analyst")) {
                _ = try await store.inviteStaff(
                    email: "a@example.cn", roleName: "analyst", stores: nil, actingRole: .marketer)
            }
            await #expect(throws: StaffError.unknownRole("barista")) {
                _ = try await store.inviteStaff(
                    email: "b@example.cn", roleName: "barista", stores: nil, actingRole: nil)
            }
            let barista = StaffRole(name: "barista", permissions: [.ordersWrite, .couponsRedeem])
            try await store.createStaffRole(barista)
            await #expect(throws: StaffError.roleNameTaken("barista")) { try await store.createStaffRole(barista) }
            await #expect(throws: StaffError.roleNameTaken("admin")) {
                try await store.createStaffRole(StaffRole(name: "admin", permissions: [.reportsRead]))
            }
            let invited = try await store.inviteStaff(
                email: "b@example.cn", roleName: "barista", stores: ["SH-01"], actingRole: .admin)
            #expect(invited.user.role == barista && invited.user.stores == ["SH-01"])
            await #expect(throws: StaffError.emailTaken) {
                _ = try await store.inviteStaff(
                    email: "B@example.cn", roleName: "store", stores: nil, actingRole: nil)
            }
            #expect(try await store.staffRoles().map(\.name).suffix(1) == ["barista"])
            let disabled = try await store.disableStaff(id: invited.user.id, actingRole: .admin)
            #expect(disabled.status == .disabled)
            await #expect(throws: StaffError.setupLinkInvalid) {
                _ = try await store.staffSetup(token: invited.setupToken)
            }
        }
    }

    @Test(arguments: TestDatabase.engines)
    func resettingTheSecondFactorEndsSessionsAndIssuesANewLink(engine: DatabaseEngine) async throws {
        let timeline = Timeline()
        try await TestDatabase.withStore(engine, clock: timeline.clock) { store in
            let (owner, code) = try await Self.owner(store)
            timeline.advance(seconds: 30)
            let session = try await store.signIn(
                email: owner.email, password: Self.password,
                oneTimeCode: code.code(step: OneTimeCodeWindow.step(at: timeline.now)), recoveryCode: nil,
                from: Self.origin)
            let reset = try await store.resetStaffSecondFactor(id: owner.id, actingRole: nil)
            #expect(!reset.user.hasSecondFactor)
            #expect(try await store.staffSession(token: try #require(session.token)) == nil)
            // Without a factor an owner cannot sign in until the new link is used.
            timeline.advance(seconds: 30)
            await #expect(throws: StaffError.secondFactorNotEnrolled) {
                _ = try await store.signIn(
                    email: owner.email, password: Self.password, oneTimeCode: nil, recoveryCode: nil,
                    from: Self.origin)
            }
            let setup = try await store.staffSetup(token: reset.setupToken)
            let newCode = OneTimeCode(secret: try #require(Base32.decode(setup.oneTimeCodeSecret)))
            #expect(newCode.secret != code.secret)
        }
    }
}
