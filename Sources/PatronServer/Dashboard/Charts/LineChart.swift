import Foundation

/// A line chart drawn on the server as SVG: no script, scales with the page, a title and description for screen
/// readers, and lines told apart by dash as well as colour.
struct LineChart: Sendable {
    struct Series: Sendable {
        var name: String
        var values: [Double]
    }

    /// One label per point along the horizontal axis; a few of them are shown.
    var labels: [String]
    var series: [Series]
    /// How a value on the vertical axis reads.
    var valueText: @Sendable (Double) -> String

    static let width = 720.0
    static let height = 260.0
    static let left = 72.0
    static let right = 12.0
    static let top = 28.0
    static let bottom = 28.0

    func svg(id: String, title: String, description: String) -> Markup {
        let plotWidth = Self.width - Self.left - Self.right
        let plotHeight = Self.height - Self.top - Self.bottom
        let largest = series.flatMap(\.values).max() ?? 0
        let step = Self.niceStep(largest / 4)
        let ceiling = max(step * 4, step)
        let count = max(labels.count, 1)
        func x(_ index: Int) -> Double {
            Self.left + (count == 1 ? plotWidth / 2 : plotWidth * Double(index) / Double(count - 1))
        }
        func y(_ value: Double) -> Double { Self.top + plotHeight * (1 - value / ceiling) }
        let grid: [Markup] = (0...4).map { tick in
            let value = step * Double(tick)
            return """
                <line class="axis" x1="\(Self.number(Self.left))" x2="\(Self.number(Self.width - Self.right))" \
                y1="\(Self.number(y(value)))" y2="\(Self.number(y(value)))"/>\
                <text x="\(Self.number(Self.left - 6))" y="\(Self.number(y(value) + 4))" text-anchor="end">\
                \(valueText(value))</text>
                """
        }
        let shown = Set(Self.labelIndexes(count: labels.count))
        let axisLabels: [Markup] = labels.enumerated().filter { shown.contains($0.offset) }.map { index, label in
            let anchor = index == 0 ? "start" : index == labels.count - 1 ? "end" : "middle"
            return """
                <text x="\(Self.number(x(index)))" y="\(Self.number(Self.height - 8))" text-anchor="\(anchor)">\
                \(label)</text>
                """
        }
        let lines: [Markup] = series.enumerated().map { number, line in
            let points = line.values.enumerated().map { "\(Self.number(x($0.offset))),\(Self.number(y($0.element)))" }
            return "<polyline class=\"series-\(number + 1)\" points=\"\(points.joined(separator: " "))\"/>"
        }
        let legend: [Markup] = series.enumerated().map { number, line in
            let offset = Self.left + Double(number) * 200
            return """
                <line class="series-\(number + 1)" x1="\(Self.number(offset))" x2="\(Self.number(offset + 24))" \
                y1="12" y2="12"/><text x="\(Self.number(offset + 30))" y="16">\(line.name)</text>
                """
        }
        return """
            <svg class="chart" viewBox="0 0 \(Int(Self.width)) \(Int(Self.height))" role="img" \
            aria-labelledby="\(id)-title \(id)-description" xmlns="http://www.w3.org/2000/svg">\
            <title id="\(id)-title">\(title)</title><desc id="\(id)-description">\(description)</desc>\
            \(grid)\(axisLabels)\(lines)\(legend)</svg>
            """
    }

    /// A round step (1, 2 or 5 times a power of ten) at least `raw`, so the axis reads in round numbers.
    static func niceStep(_ raw: Double) -> Double {
        guard raw > 0, raw.isFinite else { return 1 }
        let power = pow(10, floor(log10(raw)))
        for multiple in [1.0, 2, 5, 10] where multiple * power >= raw { return multiple * power }
        return 10 * power
    }

    /// At most six evenly spread label positions, always the first and the last.
    static func labelIndexes(count: Int) -> [Int] {
        guard count > 6 else { return Array(0..<count) }
        return (0..<6).map { Int((Double($0) * Double(count - 1) / 5).rounded()) }
    }

    static func number(_ value: Double) -> String {
        Formats.trimmed(value, digits: 1)
    }
}
