import PatronCore
import SQLKit

/// Patron's persistence: the use cases that read and write the database, each write in one transaction.
public struct Store: Sendable {
    public let database: any Database
    public let members: MemberRepository
    public let orders: OrderRepository
    public let programs: ProgramBook
    /// The sentiment model in force for feedback.
    public let sentimentModels: SentimentModelBook
    let ledger: PointLedger
    let protector: DataProtector
    /// Signs and checks the tokens a brand's app uses to act for one member.
    public let memberTokens: MemberTokens
    public let unsubscribeTokens: UnsubscribeTokens
    /// Signs and checks the tokens in links to the survey answer page.
    public let surveyLinks: SurveyLinks
    /// Hashes staff passwords; its cost is a parameter so that tests of other things stay quick.
    public let passwordHasher: PasswordHasher
    /// The time recorded on writes that are not given one.
    public private(set) var clock: WallClock
    /// Rung when a ticket's deadlines change, so the deadline service looks at the next one at once.
    public let deadlineAlarm = Alarm()
    /// Rung when webhook deliveries become due by hand (an endpoint enabled, a replay), so they go at once.
    public let webhookAlarm = Alarm()
    /// Rung when a message is queued to go now or sent again by hand, so the message dispatcher wakes.
    public let messageAlarm = Alarm()
    /// Rung when a campaign is launched to go now, so the campaign service starts queueing it.
    public let campaignAlarm = Alarm()

    public init(
        database: any Database, protector: DataProtector, passwordHasher: PasswordHasher = PasswordHasher(),
        clock: WallClock = .system
    ) {
        self.database = database
        self.clock = clock
        self.protector = protector
        self.memberTokens = MemberTokens(protector: protector)
        self.unsubscribeTokens = UnsubscribeTokens(protector: protector)
        self.surveyLinks = SurveyLinks(protector: protector)
        self.passwordHasher = passwordHasher
        self.members = MemberRepository(protector: protector)
        self.orders = OrderRepository()
        self.programs = ProgramBook()
        self.sentimentModels = SentimentModelBook()
        self.ledger = PointLedger(engine: database.engine)
    }

    /// The same store on the same database, recording the time `clock` reads.
    public func with(_ clock: WallClock) -> Store {
        var store = self
        store.clock = clock
        return store
    }

    /// Whether the database answers a trivial query.
    public func isReachable() async -> Bool {
        do {
            return try await database.read { try await $0.raw("SELECT 1 AS one").first() != nil }
        } catch {
            return false
        }
    }
}

/// A page of a cursor-paginated list.
public struct Page<Item: Sendable>: Sendable {
    public var items: [Item]
    /// Pass back as `cursor` for the next page; `nil` on the last page.
    public var nextCursor: String?

    public init(items: [Item], nextCursor: String?) {
        self.items = items
        self.nextCursor = nextCursor
    }
}

/// Services that hold a store are described in logs by their fields; a store shows only its engine.
extension Store: CustomStringConvertible, CustomDebugStringConvertible {
    public var description: String { "Store(\(database.engine))" }
    public var debugDescription: String { description }
}
