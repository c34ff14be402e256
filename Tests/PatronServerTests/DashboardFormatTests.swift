import PatronCore
import Testing

@testable import PatronServer

/// How the dashboard writes figures, dates and languages, and that what people wrote never becomes markup.
@Suite struct DashboardFormatTests {
    @Test func countsReadAsEachLanguageReadsThem() {
        let english = Formats(language: .en)
        let chinese = Formats(language: .zh)
        #expect(english.exact(1_234_567) == "1,234,567" && english.exact(-1_000) == "−1,000" && english.exact(0) == "0")
        #expect(english.compact(1_234_567) == "1,234,567")
        #expect(chinese.compact(9_999) == "9,999")
        #expect(chinese.compact(12_345) == "1.2万" && chinese.compact(10_000) == "1万")
        #expect(chinese.compact(1_234_567) == "123万")
        #expect(chinese.compact(345_000_000) == "3.5亿" && chinese.compact(-20_000) == "−2万")
    }

    @Test func moneyKeepsEveryMinorUnitInTablesAndRoundsOnTiles() {
        let english = Formats(language: .en)
        #expect(english.money(123_456, .cny) == "¥1,234.56")
        #expect(english.money(-5, .cny) == "−¥0.05")
        #expect(english.money(-12_345, .cny) == "−¥123.45")
        #expect(english.money(500, Currency(code: "JPY")!) == "¥500")
        #expect(english.money(100, Currency(code: "CHF")!) == "CHF 1.00")
        #expect(english.compactMoney(123_456, .cny) == "¥1,235")
        #expect(Formats(language: .zh).compactMoney(123_456_789, .cny) == "¥123万")
        #expect(Formats(language: .zh).compactMoney(-2_500_000, .cny) == "−¥2.5万")
    }

    @Test func ratiosAndDates() {
        let english = Formats(language: .en)
        #expect(english.percent(0.4) == "40%" && english.percent(1.0 / 3) == "33.3%" && english.percent(nil) == "—")
        let date = CalendarDate(year: 2026, month: 11, day: 3)
        #expect(english.date(date) == "3 Nov 2026" && english.shortDate(date) == "3 Nov")
        #expect(Formats(language: .zh).date(date) == "2026年11月3日")
        let instant = Timestamp(millisecondsSinceEpoch: 1_793_664_000_000)  // 2026-11-03T00:00:00Z
        #expect(english.instant(instant, offset: .shanghai) == "2026-11-03 08:00")
        #expect(english.instant(instant, offset: UTCOffset(minutes: -300)) == "2026-11-02 19:00")
    }

    @Test func theBrowsersLanguageIsReadByWeight() {
        #expect(Language.preferred(acceptLanguage: "en-US,en;q=0.9,zh-CN;q=0.8") == .en)
        #expect(Language.preferred(acceptLanguage: "fr-FR, zh;q=0.5, en;q=0.4") == .zh)
        #expect(Language.preferred(acceptLanguage: "zh-Hant-TW") == .zh)
        #expect(Language.preferred(acceptLanguage: "en;q=0, de") == nil)
        #expect(Language.preferred(acceptLanguage: "") == nil)
    }

    @Test func interpolatedTextIsEscapedAndOnlyMarkupGoesInAsItIs() {
        let name = "<img src=x onerror=alert(1)> & \"quotes\" 'single'"
        let markup: Markup = "<p title=\"\(name)\">\(name)</p>\(Markup(trusted: "<br>"))"
        #expect(
            markup.description
                == "<p title=\"&lt;img src=x onerror=alert(1)&gt; &amp; &quot;quotes&quot; &#39;single&#39;\">"
                + "&lt;img src=x onerror=alert(1)&gt; &amp; &quot;quotes&quot; &#39;single&#39;</p><br>")
    }

    @Test func chartAxesStepInRoundNumbersAndLabelBothEnds() {
        #expect(LineChart.niceStep(0) == 1 && LineChart.niceStep(7) == 10 && LineChart.niceStep(1_234) == 2_000)
        #expect(LineChart.niceStep(0.3) == 0.5 && LineChart.niceStep(500) == 500)
        #expect(LineChart.labelIndexes(count: 4) == [0, 1, 2, 3])
        #expect(LineChart.labelIndexes(count: 31) == [0, 6, 12, 18, 24, 30])
    }

    @Test func aPeriodComesFromItsDatesOrFallsBackToTheLast30Days() {
        let today = CalendarDate(year: 2026, month: 11, day: 30)
        let period = Period(from: CalendarDate(year: 2026, month: 11, day: 1), to: today)
        #expect(period.days == 30 && period.previous.from == CalendarDate(year: 2026, month: 10, day: 2))
        #expect(period.previous.to == CalendarDate(year: 2026, month: 10, day: 31))
        #expect(Period.last(30, endingOn: today) == period)
    }
}
