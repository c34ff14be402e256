import PatronAnalytics
import PatronCore

/// What the member page shows of a member's value (``Store/memberOutlook(memberID:asOf:settings:)``).
public struct MemberOutlook: Sendable {
    public var stage: LifecycleStage
    /// Nil before the first model fit.
    public var prediction: MemberPrediction?
    /// The member's RFM segment by the quintiles of the base on the day of the newest analytics snapshot; nil before
    /// the first snapshot.
    public var segment: (segment: RFMSegment, asOf: PatronCore.CalendarDate)?
}
