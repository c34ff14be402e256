import PatronStore
import Testing

@Suite struct IdentifierTests {
    @Test func idsMadeInOneMillisecondDifferInEveryRandomCharacterAndSortByTime() {
        let ids = (0..<10_000).map { _ in Identifier.make(prefix: "lot", milliseconds: 1_700_000_000_000) }
        #expect(Set(ids).count == ids.count)
        let alphabet = Set("0123456789ABCDEFGHJKMNPQRSTVWXYZ")
        for id in ids {
            #expect(id.hasPrefix("lot_") && id.count == 30 && id.dropFirst(4).allSatisfy(alphabet.contains))
        }
        // Each of the 16 random positions takes many values, the last ones (second draw) included.
        for position in 14..<30 {
            let values = Set(ids.map { Array($0)[position] })
            #expect(values.count == 32, "position \(position) takes \(values.count) values")
        }
        let later = Identifier.make(prefix: "lot", milliseconds: 1_700_000_000_001)
        #expect(ids.allSatisfy { $0 < later })
    }
}
