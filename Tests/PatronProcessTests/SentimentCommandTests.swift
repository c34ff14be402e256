import Foundation
import Testing

/// `patron sentiment` on files: a model trained on a file is used by classify and evaluate, and bad files are
/// refused with one line naming the line.
@Suite struct SentimentCommandTests {
    static func temporary(_ name: String) -> String {
        FileManager.default.temporaryDirectory.appendingPathComponent("sentiment-\(UUID())-\(name)").path
    }

    static let labelled = """
        id,review,stars
        1,"送餐很快，味道很好",5
        2,"味道不错，分量足",4
        3,"太慢了，菜都凉了",1
        4,"难吃，不会再点",2
        5,"一般般",3
        6,"包装好，送得快",5
        7,"汤洒了，很失望",1

        """

    @Test func trainClassifyAndEvaluateShareOneModelFile() async throws {
        let input = Self.temporary("in.csv")
        let model = Self.temporary("model.json")
        let output = Self.temporary("out.csv")
        try Self.labelled.write(toFile: input, atomically: true, encoding: .utf8)
        defer { for path in [input, model, output] { try? FileManager.default.removeItem(atPath: path) } }

        let train = try await PatronCommand.run(
            [
                "sentiment", "train", "--input", input, "--text-column", "review", "--label-column", "stars",
                "--rating-scale", "5", "--minimum-count", "1", "--name", "shop", "--output", model,
            ], environment: [:])
        #expect(train.status == 0, "\(train.errors)")
        let file =
            try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: model))) as? [String: Any]
        let training = file?["training"] as? [String: Any]
        #expect(file?["name"] as? String == "shop")
        #expect(training?["positive"] as? Int == 3 && training?["negative"] as? Int == 3)
        #expect(training?["neutral"] as? Int == 1)

        let classify = try await PatronCommand.run(
            [
                "sentiment", "classify", "--input", input, "--text-column", "review", "--model", model, "--output",
                output,
            ],
            environment: [:])
        #expect(classify.status == 0, "\(classify.errors)")
        let rows = try String(contentsOfFile: output, encoding: .utf8).split(separator: "\n")
        #expect(rows.first == "id,review,stars,sentiment,score,topics,drivers")
        #expect(rows.count == 8)
        #expect(rows[1].hasPrefix("1,送餐很快，味道很好,5,positive,"), "\(rows[1])")
        #expect(rows[3].hasPrefix("3,太慢了，菜都凉了,1,negative,"), "\(rows[3])")

        let evaluate = try await PatronCommand.run(
            [
                "sentiment", "evaluate", "--input", input, "--text-column", "review", "--label-column", "stars",
                "--rating-scale", "5", "--model", model,
            ], environment: [:])
        #expect(evaluate.status == 0, "\(evaluate.errors)")
        #expect(evaluate.output.contains("model: shop"))
        #expect(evaluate.output.contains("texts: 7"))
        #expect(evaluate.output.contains("(majority class: 42.9%)"), "\(evaluate.output)")
    }

    @Test func badFilesAreOneLineNamingTheLine() async throws {
        let input = Self.temporary("bad.csv")
        try "text,label\n好吃,1\n难吃,maybe\n".write(toFile: input, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(atPath: input) }
        let label = try await PatronCommand.run(["sentiment", "train", "--input", input], environment: [:])
        #expect(label.status != 0)
        #expect(
            label.errors.trimmingCharacters(in: .whitespacesAndNewlines)
                == "Error: line 3: invalid label 'maybe' in column 'label' (expected 1, 0, positive, negative or neutral)",
            "\(label.errors)")
        let column = try await PatronCommand.run(
            ["sentiment", "classify", "--input", input, "--text-column", "review"], environment: [:])
        #expect(column.status != 0)
        #expect(column.errors.hasPrefix("Error: line 1: no column 'review' in the header"), "\(column.errors)")
        let model = try await PatronCommand.run(
            ["sentiment", "classify", "--input", input, "--model", input], environment: [:])
        #expect(model.status != 0)
        #expect(model.errors.split(separator: "\n").count == 1, "\(model.errors)")
        #expect(model.errors.contains("is not a sentiment model file"), "\(model.errors)")
    }
}

extension SentimentCommandTests {
    @Test func topicsComparesAPeriodWithTheOneBefore() async throws {
        let input = Self.temporary("topics.csv")
        try """
        date,text
        2026-10-05,送餐很快
        2026-11-02,送餐太慢了
        2026-11-03,配送员态度很好
        2026-11-20,味道不错
        2026-12-01,送餐很慢

        """.write(toFile: input, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(atPath: input) }
        let run = try await PatronCommand.run(
            ["topics", "--input", input, "--date-column", "date", "--from", "2026-11-01", "--to", "2026-12-01"],
            environment: [:])
        #expect(run.status == 0, "\(run.errors)")
        let lines = run.output.split(separator: "\n")
        #expect(lines.first?.hasPrefix("topic,name_zh,name_en,kind,mentions,share,previous_mentions,") == true)
        // November: two of three texts are about delivery; October: one of one.
        let delivery = try #require(lines.first { $0.hasPrefix("delivery,") })
        #expect(delivery.hasPrefix("delivery,配送,delivery,taxonomy,2,0.6667,1,-33.3,"), "\(delivery)")
        let bad = try await PatronCommand.run(["topics", "--input", input, "--from", "2026-11-01"], environment: [:])
        #expect(bad.status != 0 && bad.errors.split(separator: "\n").count == 1, "\(bad.errors)")
        let undated = Self.temporary("undated.csv")
        try "text,date\n送餐很快,2026-11-02\n味道不错\n".write(toFile: undated, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(atPath: undated) }
        let short = try await PatronCommand.run(
            ["topics", "--input", undated, "--date-column", "date", "--from", "2026-11-01", "--to", "2026-12-01"],
            environment: [:])
        #expect(short.status != 0)
        #expect(short.errors.hasPrefix("Error: line 3: missing field 'date'"), "\(short.errors)")
    }
}
