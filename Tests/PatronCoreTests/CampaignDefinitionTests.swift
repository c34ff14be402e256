import Foundation
import PatronCore
import Testing

struct CampaignDefinitionTests {
    static let body: JSONValue = [
        "name": "Winter double points", "segment_id": "lapsing-gold",
        "variants": [
            ["variant_id": "a", "template_id": "winter-a"],
            ["variant_id": "b", "template_id": "winter-b", "weight": 3],
        ],
        "holdout_percent": 20, "conversion_days": 14, "channels": ["sms", "email"],
        "send_at": "2026-12-05T10:00:00+08:00",
    ]

    @Test func aCampaignIsReadWithItsDefaultsAndWrittenAsRead() throws {
        let campaign = try CampaignDefinition.parse(Self.body)
        #expect(
            campaign.variants == [
                .init(variantID: "a", templateID: "winter-a"), .init(variantID: "b", templateID: "winter-b", weight: 3),
            ])
        #expect(
            campaign.holdoutPercent == 20 && campaign.conversionDays == 14 && campaign.minimumDetectableEffect == 0.1)
        #expect(campaign.channels == [.sms, .email])
        #expect(campaign.sendAt == Timestamp(rfc3339: "2026-12-05T02:00:00Z"))
        let minimal = try CampaignDefinition.parse([
            "name": "n", "segment_id": "s", "variants": [["variant_id": "a", "template_id": "t"]],
        ])
        #expect(minimal.holdoutPercent == 10 && minimal.conversionDays == 7 && minimal.channels.isEmpty)
        #expect(minimal.sendAt == nil)
        let written = try JSONDecoder().decode(JSONValue.self, from: JSONEncoder().encode(campaign))
        #expect(try CampaignDefinition.parse(written) == campaign)
    }

    @Test func everyProblemIsReportedAtItsPointer() {
        let body: JSONValue = [
            "name": " ", "segment_id": "a b",
            "variants": [
                ["variant_id": "holdout", "template_id": "t"], ["variant_id": "a", "template_id": "t", "weight": 0],
                ["variant_id": "a", "template_id": "t"],
            ],
            "holdout_percent": 51, "conversion_days": 0, "minimum_detectable_effect": 0, "channels": ["fax"],
            "send_at": "tomorrow",
        ]
        #expect(throws: ValidationFailure.self) { try CampaignDefinition.parse(body) }
        do {
            _ = try CampaignDefinition.parse(body)
        } catch {
            #expect(
                Set(error.errors.map(\.pointer)) == [
                    "/name", "/segment_id", "/variants/0/variant_id", "/variants/1/weight", "/variants/2/variant_id",
                    "/holdout_percent", "/conversion_days", "/minimum_detectable_effect", "/channels/0", "/send_at",
                ])
        }
        let none: JSONValue = ["name": "n", "segment_id": "s", "variants": []]
        #expect(throws: ValidationFailure([FieldError(pointer: "/variants", detail: "must hold 1 to 10 variants")])) {
            try CampaignDefinition.parse(none)
        }
    }

    /// The positions are SHA-256 as Python computes it:
    /// `int.from_bytes(sha256(f"{salt}:{member}".encode()).digest()[:8], "big") >> 11) / 2**53`.
    @Test func aMembersPlaceIsTheHashOfTheSaltAndTheirIdAsAnyoneCanComputeIt() {
        let winter = ArmAssignment(salt: "winter-2026")
        #expect(winter.position(of: "mem_01JD3X0000000000000000001") == 0.500_599_937_633_702_7)
        #expect(winter.position(of: "mem_01JD3X0000000000000000002") == 0.177_453_915_440_864_53)
        #expect(ArmAssignment(salt: "x").position(of: "林") == 0.295_409_053_991_445_46)
    }

    @Test func armsSplitTheMembersByHoldoutAndWeightsAndStayPut() throws {
        let campaign = try CampaignDefinition.parse(Self.body)
        let assignment = ArmAssignment(salt: "c1")
        let members = (0..<20_000).map { "mem_\($0)" }
        var counts: [String: Int] = [:]
        for member in members { counts[assignment.arm(of: member, in: campaign), default: 0] += 1 }
        // 20% holdout, then a quarter and three quarters of the rest: 4,000 / 4,000 / 12,000, each within
        // four standard deviations of a binomial.
        #expect(abs((counts["holdout"] ?? 0) - 4_000) < 230, "\(counts)")
        #expect(abs((counts["a"] ?? 0) - 4_000) < 230, "\(counts)")
        #expect(abs((counts["b"] ?? 0) - 12_000) < 260, "\(counts)")
        // Weights move members between variants, never into or out of the holdout.
        var reweighted = campaign
        reweighted.variants[1].weight = 1
        #expect(
            members.allSatisfy {
                (assignment.arm(of: $0, in: campaign) == "holdout")
                    == (assignment.arm(of: $0, in: reweighted) == "holdout")
            })
        #expect(members.contains { assignment.arm(of: $0, in: campaign) != assignment.arm(of: $0, in: reweighted) })
        // Another salt draws another split: not the same members held out.
        let other = ArmAssignment(salt: "c2")
        let overlap = members.filter {
            assignment.arm(of: $0, in: campaign) == "holdout" && other.arm(of: $0, in: campaign) == "holdout"
        }
        #expect(abs(overlap.count - 800) < 120, "\(overlap.count)")
    }
}

struct YearlyDateTests {
    /// A birthday or a joining day on 29 February comes on the 28th in other years.
    @Test func aDayFallsOnTheSameMonthAndDayEachYearLeapDaysOnThe28th() {
        let leap = CalendarDate(year: 1992, month: 2, day: 29)
        #expect(leap.sameDay(inYear: 2027) == CalendarDate(year: 2027, month: 2, day: 28))
        #expect(leap.sameDay(inYear: 2028) == CalendarDate(year: 2028, month: 2, day: 29))
        #expect(
            CalendarDate(year: 1990, month: 12, day: 31).sameDay(inYear: 2026)
                == CalendarDate(year: 2026, month: 12, day: 31))
    }
}
