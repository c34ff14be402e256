/// Horizontal bars, one per labelled value, each with its value written at its end: the length is never the only
/// way to read it.
struct BarChart: Sendable {
    struct Bar: Sendable {
        var label: String
        var value: Double
        var valueText: String
    }

    var bars: [Bar]

    static let width = 720.0
    static let rowHeight = 26.0
    static let labelWidth = 120.0
    static let valueWidth = 90.0

    func svg(id: String, title: String, description: String) -> Markup {
        let largest = max(bars.map(\.value).max() ?? 0, .leastNonzeroMagnitude)
        let span = Self.width - Self.labelWidth - Self.valueWidth
        let height = Self.rowHeight * Double(bars.count) + 4
        let rows: [Markup] = bars.enumerated().map { index, bar in
            let top = Self.rowHeight * Double(index) + 4
            let length = max(0, span * bar.value / largest)
            return """
                <text x="\(LineChart.number(Self.labelWidth - 8))" y="\(LineChart.number(top + 15))" \
                text-anchor="end">\(bar.label)</text>\
                <rect class="bar" x="\(LineChart.number(Self.labelWidth))" y="\(LineChart.number(top))" \
                width="\(LineChart.number(length))" height="\(LineChart.number(Self.rowHeight - 8))"/>\
                <text x="\(LineChart.number(Self.labelWidth + length + 6))" y="\(LineChart.number(top + 15))">\
                \(bar.valueText)</text>
                """
        }
        return """
            <svg class="chart" viewBox="0 0 \(Int(Self.width)) \(Int(height))" role="img" \
            aria-labelledby="\(id)-title \(id)-description" xmlns="http://www.w3.org/2000/svg">\
            <title id="\(id)-title">\(title)</title><desc id="\(id)-description">\(description)</desc>\
            \(rows)</svg>
            """
    }
}
