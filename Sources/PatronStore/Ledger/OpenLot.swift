import PatronCore
import SQLKit

/// A lot that still holds points, as a member's statement shows it; its id is what a pending-lot cancel names.
public struct OpenLot: Sendable, Hashable {
    public var lotID: String
    /// What gave the points: `order`, `adjustment`, `import`, `event`, `campaign` …, and its id.
    public var source: String
    public var sourceID: String?
    public var points: Int64
    public var remaining: Int64
    public var status: LotStatus
    public var earnedAt: Timestamp
    public var availableAt: Timestamp
    public var expiresAt: Timestamp?

    init(_ row: any SQLRow) throws {
        lotID = try row.decode(column: "lot_id", as: String.self)
        source = try row.decode(column: "source", as: String.self)
        sourceID = try row.decode(column: "source_id", as: String?.self)
        points = try row.decode(column: "points", as: Int64.self)
        remaining = try row.decode(column: "remaining", as: Int64.self)
        status = try PointLedger.status(row)
        earnedAt = Timestamp(millisecondsSinceEpoch: try row.decode(column: "earned_at", as: Int64.self))
        availableAt = Timestamp(millisecondsSinceEpoch: try row.decode(column: "available_at", as: Int64.self))
        expiresAt = try row.decode(column: "expires_at", as: Int64?.self).map(Timestamp.init(millisecondsSinceEpoch:))
    }
}
