import PatronAnalytics
import Testing

@Suite("Topics")
struct TopicFinderTests {
    let finder = TopicFinder(
        taxonomy: TopicTaxonomy(topics: [
            .init(id: "delivery", nameZH: "配送", nameEN: "delivery", keywords: ["配送", "送餐", "发货", "delivery", "late"]),
            .init(id: "taste", nameZH: "口味", nameEN: "taste", keywords: ["味道", "好吃", "taste"]),
        ]),
        model: SentimentModel(
            name: "t", bias: 0, neutralBand: 0.2, weights: ["好": 1, "慢": -1.5, "凉": -1, "快": 1, "late": -1]),
        minimumTexts: 3)

    @Test("taxonomy words: Chinese anywhere, Traditional as Simplified, Latin whole words only")
    func matching() {
        #expect(finder.topics(of: "送餐很快，味道很好") == ["delivery", "taste"])
        #expect(finder.topics(of: "配送太慢") == ["delivery"])
        #expect(finder.topics(of: "發貨很快") == ["delivery"])
        #expect(finder.topics(of: "The delivery was LATE") == ["delivery"])
        #expect(finder.topics(of: "hot chocolate").isEmpty, "late is not in chocolate")
    }

    @Test("the table counts each topic's texts, their sentiment and the change against the previous period")
    func table() throws {
        let current = ["送餐太慢", "送餐很快", "味道好", "配送慢，菜凉了", "买了一杯奶茶"]
        let previous = ["味道好", "味道好", "送餐很快", "味道好"]
        let rows = finder.table(current, previous: previous)
        let delivery = try #require(rows.first { $0.topic == "delivery" })
        #expect(delivery.mentions == 3 && delivery.kind == .taxonomy)
        #expect(delivery.negative == 2 && delivery.positive == 1)
        #expect(delivery.previousMentions == 1)
        #expect(abs((delivery.shareChange ?? 0) - (60 - 25)) < 1e-9, "3 of 5 now, 1 of 4 before: +35 points")
        #expect(delivery.examples.first == "配送慢，菜凉了", "the most negative text first")
        let taste = try #require(rows.first { $0.topic == "taste" })
        #expect(taste.mentions == 1 && taste.previousMentions == 3)
        #expect(rows.first?.topic == "delivery", "most mentioned first")
        #expect(finder.table(current).allSatisfy { $0.previousMentions == nil && $0.shareChange == nil })
    }

    @Test("phrases many uncovered texts share become found topics; a phrase mostly inside a longer one is not kept")
    func foundPhrases() {
        let texts = [
            "闪送员很准时", "闪送员态度差", "闪送员迟到了", "闪送员找不到路", "奶茶太甜了", "奶茶不错", "奶茶一般",
            "停车很方便", "可以", "可以", "可以",
        ]
        let found = finder.table(texts).filter { $0.kind == .found }.map(\.topic)
        #expect(found.contains("闪送员"))
        #expect(!found.contains("闪送"), "闪送 only ever appears inside 闪送员")
        #expect(found.contains("奶茶"))
        #expect(!found.contains("停车"), "one text is not a topic")
        #expect(!found.contains("可以"), "a common word names no topic")
    }
}
