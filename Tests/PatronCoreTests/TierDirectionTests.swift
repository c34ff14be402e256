import PatronCore
import Testing

@Suite struct TierDirectionTests {
    @Test func aChangeIsReadUpOrDownTheLadder() {
        let tiers = TierProgram.standard
        #expect(tiers.direction(from: "regular", to: "gold") == 1)
        #expect(tiers.direction(from: "diamond", to: "silver") == -1)
        #expect(tiers.direction(from: "silver", to: "silver") == 0)
        // A first tier counts as a move up unless it is the lowest, where everyone starts.
        #expect(tiers.direction(from: nil, to: "silver") == 1)
        #expect(tiers.direction(from: nil, to: "regular") == 0)
        // A tier the program no longer has moves nobody anywhere.
        #expect(tiers.direction(from: "platinum", to: "gold") == 0)
        #expect(tiers.direction(from: "gold", to: "platinum") == 0)
    }
}
