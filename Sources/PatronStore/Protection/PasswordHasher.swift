import HummingbirdBcrypt
import NIOPosix
import Synchronization

/// bcrypt, run off the request threads: each hash is slow on purpose.
public struct PasswordHasher: Sendable {
    /// log2 of bcrypt's rounds. Each step doubles the time: on the 2-core machines Patron is measured on, a sign-in
    /// took 157 ms at 11 and about 80 ms at 10, the nearer to the 100 ms aimed at (and OWASP's minimum). The tests
    /// of other things pass a lower cost.
    public var cost: UInt8

    public init(cost: UInt8 = 10) {
        self.cost = cost
    }

    public func hash(_ password: String) async throws -> String {
        let cost = cost
        return try await NIOThreadPool.singleton.runIfActive { Bcrypt.hash(password, cost: cost) }
    }

    /// Whether `password` matches `hash`. Without a hash (no such account, or one not yet set up) a decoy of the
    /// same cost is checked, so the answer takes as long either way.
    public func verify(_ password: String, hash: String?) async throws -> Bool {
        let cost = cost
        return try await NIOThreadPool.singleton.runIfActive {
            guard let hash else {
                _ = Bcrypt.verify(password, hash: Self.decoy(cost: cost))
                return false
            }
            return Bcrypt.verify(password, hash: hash)
        }
    }

    private static let decoys = Mutex<[UInt8: String]>([:])

    private static func decoy(cost: UInt8) -> String {
        if let hash = decoys.withLock({ $0[cost] }) { return hash }
        let hash = Bcrypt.hash(Identifier.randomToken(count: 32), cost: cost)
        decoys.withLock { $0[cost] = hash }
        return hash
    }
}
