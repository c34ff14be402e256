/// Named topics and the words that mark them, in Chinese and English: what a service team wants counted.
public struct TopicTaxonomy: Sendable, Hashable, Codable {
    public struct Topic: Sendable, Hashable, Codable {
        /// A stable identifier (`delivery`).
        public var id: String
        public var nameZH: String
        public var nameEN: String
        /// Words that mark the topic. Chinese words match anywhere; words in Latin letters match whole words,
        /// regardless of case. Traditional characters in the text match Simplified keywords.
        public var keywords: [String]

        enum CodingKeys: String, CodingKey {
            case id, keywords
            case nameZH = "name_zh"
            case nameEN = "name_en"
        }

        public init(id: String, nameZH: String, nameEN: String, keywords: [String]) {
            self.id = id
            self.nameZH = nameZH
            self.nameEN = nameEN
            self.keywords = keywords
        }
    }

    public var topics: [Topic]

    public init(topics: [Topic]) {
        self.topics = topics
    }

    /// The topics of shops, cafés and restaurants, with and without delivery.
    public static let standard = TopicTaxonomy(topics: [
        Topic(
            id: "service", nameZH: "服务", nameEN: "service",
            keywords: [
                "服务", "态度", "店员", "服务员", "客服", "前台", "热情", "冷漠", "耐心", "礼貌", "售后", "service", "staff",
                "waiter", "waitress", "rude", "friendly", "helpful", "support",
            ]),
        Topic(
            id: "quality", nameZH: "质量", nameEN: "quality",
            keywords: [
                "质量", "品质", "做工", "材质", "坏了", "破损", "瑕疵", "正品", "假货", "耐用", "quality", "broken",
                "defect", "defective", "fake", "durable",
            ]),
        Topic(
            id: "price", nameZH: "价格", nameEN: "price",
            keywords: [
                "价格", "价钱", "贵", "便宜", "性价比", "划算", "实惠", "优惠", "打折", "收费", "price", "prices",
                "expensive", "cheap", "value", "overpriced", "discount",
            ]),
        Topic(
            id: "delivery", nameZH: "配送", nameEN: "delivery",
            keywords: [
                "配送", "送餐", "外卖", "快递", "物流", "骑手", "送货", "发货", "送达", "送到", "超时", "delivery",
                "delivered", "courier", "shipping", "rider", "late",
            ]),
        Topic(
            id: "environment", nameZH: "环境", nameEN: "environment",
            keywords: [
                "环境", "卫生", "干净", "脏", "装修", "座位", "排队", "停车", "吵", "氛围", "environment", "clean", "dirty",
                "noisy", "queue", "seating", "atmosphere", "parking",
            ]),
        Topic(
            id: "taste", nameZH: "口味", nameEN: "taste",
            keywords: [
                "口味", "味道", "好吃", "难吃", "咸", "辣", "甜", "淡", "新鲜", "口感", "分量", "taste", "tasty",
                "delicious", "flavor", "flavour", "bland", "salty", "fresh", "portion",
            ]),
        Topic(
            id: "packaging", nameZH: "包装", nameEN: "packaging",
            keywords: ["包装", "洒", "漏", "餐盒", "盒子", "packaging", "package", "spilled", "leaked", "box"]),
    ])
}
