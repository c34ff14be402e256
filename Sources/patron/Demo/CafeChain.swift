import PatronCore

/// The café chain `patron demo` brings to life: its stores, its menu, its program and its rewards, and the
/// names its customers are drawn from.
enum CafeChain {
    struct Item {
        var sku: String
        var name: String
        var category: String
        var priceMinor: Int64
        /// How often it is in a basket, relative to the others.
        var weight: Double
    }

    /// Stores by city; the first cities have more of them and more customers.
    static let stores: [(id: String, city: String)] = [
        ("SH-01", "上海"), ("SH-02", "上海"), ("SH-03", "上海"), ("SH-04", "上海"), ("BJ-01", "北京"), ("BJ-02", "北京"),
        ("BJ-03", "北京"), ("HZ-01", "杭州"), ("HZ-02", "杭州"), ("SZ-01", "深圳"), ("SZ-02", "深圳"), ("CD-01", "成都"),
    ]

    static let menu: [Item] = [
        Item(sku: "LATTE", name: "拿铁", category: "coffee", priceMinor: 3_200, weight: 10),
        Item(sku: "AMERICANO", name: "美式", category: "coffee", priceMinor: 2_800, weight: 8),
        Item(sku: "CAPPUCCINO", name: "卡布奇诺", category: "coffee", priceMinor: 3_000, weight: 5),
        Item(sku: "OAT-LATTE", name: "燕麦拿铁", category: "coffee", priceMinor: 3_600, weight: 4),
        Item(sku: "MATCHA", name: "抹茶拿铁", category: "tea", priceMinor: 3_400, weight: 3),
        Item(sku: "CROISSANT", name: "可颂", category: "bakery", priceMinor: 1_800, weight: 4),
        Item(sku: "CHEESECAKE", name: "芝士蛋糕", category: "bakery", priceMinor: 3_400, weight: 2),
        Item(sku: "BEANS-250", name: "咖啡豆 250g", category: "beans", priceMinor: 9_800, weight: 0.6),
    ]

    static let surnames = Array("王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈").map(String.init)
    static let givenNames = Array("伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉萍红鹏浩宇欣怡子涵梓轩一诺晨阳佳琪思远").map(String.init)

    /// The program: a point per yuan, double on coffee, a bonus on big baskets and first orders, tiers by a
    /// year's spend, and points that last half a year.
    static let program: JSONValue = [
        "currency": "CNY", "utc_offset": "+08:00",
        "expiry": ["policy": "days_after_earning", "days": 180],
        "return_window_days": 7, "refund_policy": "take_available",
        "rules": [
            ["rule_id": "base", "kind": "points_per_currency_unit", "points": 1, "per_minor": 100, "priority": 10],
            ["rule_id": "tier", "kind": "tier_multiplier", "priority": 20],
            [
                "rule_id": "coffee-double", "kind": "multiplier", "factor": 2, "match": ["categories": ["coffee"]],
                "priority": 30,
            ],
            [
                "rule_id": "big-basket", "kind": "amount_bonus", "points": 20, "minimum_minor": 9_000, "priority": 40,
                "caps": ["per_member_per_day": 40],
            ],
            ["rule_id": "welcome", "kind": "first_order_bonus", "points": 100, "priority": 50],
        ],
        "tiers": [
            "basis": "qualifying_spend", "window_months": 12, "evaluation": ["on": "anniversary"],
            "grace_days": 0, "downgrade_steps": 1,
            "levels": [
                ["tier_id": "regular", "name": ["zh": "普通会员", "en": "Regular"], "threshold": 0, "multiplier": 1.0],
                [
                    "tier_id": "silver", "name": ["zh": "银卡会员", "en": "Silver"], "threshold": 100_000,
                    "multiplier": 1.2,
                ],
                ["tier_id": "gold", "name": ["zh": "金卡会员", "en": "Gold"], "threshold": 300_000, "multiplier": 1.5],
                [
                    "tier_id": "diamond", "name": ["zh": "钻石会员", "en": "Diamond"], "threshold": 800_000,
                    "multiplier": 2.0,
                ],
            ],
        ],
    ]

    /// The catalog, cheapest first: what members redeem their points for.
    static let rewards: [JSONValue] = [
        [
            "reward_id": "PASTRY", "kind": "physical_gift", "name": ["zh": "免费可颂", "en": "A free croissant"],
            "cost_points": 200, "coupon_valid_days": 30,
        ],
        [
            "reward_id": "COFFEE-10", "kind": "discount_coupon", "name": ["zh": "10元咖啡券", "en": "¥10 off a coffee"],
            "cost_points": 300, "discount_minor": 1_000, "min_spend_minor": 2_800, "coupon_valid_days": 30,
        ],
        [
            "reward_id": "FREE-LATTE", "kind": "physical_gift", "name": ["zh": "免费拿铁", "en": "A free latte"],
            "cost_points": 500, "coupon_valid_days": 30,
        ],
        [
            "reward_id": "TUMBLER", "kind": "physical_gift", "name": ["zh": "限定随行杯", "en": "A limited tumbler"],
            "cost_points": 1_500, "stock": 500, "eligible_tiers": ["gold", "diamond"],
        ],
    ]
}
