import ArgumentParser
import Foundation
import PatronAnalytics

/// `patron sentiment`: train, apply and evaluate sentiment models on CSV files, with the same code the server
/// runs on feedback.
struct SentimentCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sentiment",
        abstract: "Sentiment of Chinese and English text: train a model on labelled feedback, classify, evaluate.",
        subcommands: [Train.self, Classify.self, Evaluate.self]
    )

    /// The input file and its text column, shared by the subcommands.
    struct InputOptions: ParsableArguments {
        @Option(help: "CSV file with a header line.")
        var input: String

        @Option(help: "Column holding the text.")
        var textColumn = "text"
    }

    /// The label column and how to read it.
    struct LabelOptions: ParsableArguments {
        @Option(help: "Column holding the label: 1/0, positive/negative/neutral, or a rating (see --rating-scale).")
        var labelColumn = "label"

        @Option(help: "Read labels as ratings from 0 to this (5: 1–2 negative, 3 neutral, 4–5 positive).")
        var ratingScale: Int?

        /// Reads the labels of `input`, refusing a rating scale that cannot be one.
        func read(_ input: InputOptions) throws -> [LabelledText] {
            if let ratingScale, ratingScale < 2 { throw CommandFailure("--rating-scale must be at least 2") }
            return try TextColumnFile.readLabelled(
                path: input.input, textColumn: input.textColumn, labelColumn: labelColumn, ratingScale: ratingScale)
        }
    }

    /// Loads a model file, or the built-in model without one.
    static func model(at path: String?) throws -> SentimentModel {
        guard let path else { return SentimentModel.builtIn }
        let data: Data
        do {
            data = try Data(contentsOf: URL(fileURLWithPath: path))
        } catch {
            throw CommandFailure("cannot read model \(path): \(error.localizedDescription)")
        }
        do {
            return try JSONDecoder().decode(SentimentModel.self, from: data)
        } catch {
            throw CommandFailure("\(path) is not a sentiment model file: \(SentimentModel.describe(error))")
        }
    }
}

extension SentimentCommand {
    /// `patron sentiment train`.
    struct Train: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Train a model on labelled text, starting from the built-in model (or --base).")

        @OptionGroup var input: InputOptions
        @OptionGroup var labels: LabelOptions

        @Option(help: "Write the model here (JSON) instead of standard output.")
        var output: String?

        @Option(help: "The model to start from and stay close to: a model file, or 'none'. Default: built-in.")
        var base: String?

        @Option(help: "The model's name, kept in its file.")
        var name = "trained"

        @Option(help: "How strongly weights are held to the base model (or to zero).")
        var regularization = SentimentTrainer().regularization

        @Option(help: "Learn only features seen in at least this many texts.")
        var minimumCount = SentimentTrainer().minimumCount

        func run() async throws {
            guard regularization > 0, regularization.isFinite else {
                throw CommandFailure("--regularization must be a positive number")
            }
            guard minimumCount >= 1 else { throw CommandFailure("--minimum-count must be at least 1") }
            let examples = try labels.read(input)
            let baseModel = base == "none" ? nil : try SentimentCommand.model(at: base)
            TextOutput.printDiagnostic("training on \(examples.count) texts")
            let model = try SentimentTrainer(regularization: regularization, minimumCount: minimumCount).train(
                examples, name: name, base: baseModel)
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
            let data = try encoder.encode(model)
            if let output {
                try data.write(to: URL(fileURLWithPath: output), options: .atomic)
            } else {
                FileHandle.standardOutput.write(data)
                FileHandle.standardOutput.write(Data("\n".utf8))
            }
        }
    }

    /// `patron sentiment classify`.
    struct Classify: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Add sentiment, score, topics and drivers columns to every row of a CSV file.")

        @OptionGroup var input: InputOptions

        @Option(help: "A model file from 'patron sentiment train'. Default: the built-in model.")
        var model: String?

        @Option(help: "Write the CSV here instead of standard output.")
        var output: String?

        func run() async throws {
            let sentimentModel = try SentimentCommand.model(at: model)
            let topics = TopicFinder(model: sentimentModel)
            var reader = try CSVReader(path: input.input)
            guard let header = try reader.nextRecord() else { throw InputError.emptyFile(path: input.input) }
            let textIndex = try CSVHeader(header.fields).index(of: input.textColumn)
            var writer = if let output { try CSVWriter(path: output) } else { CSVWriter() }
            try writer.write(header.fields + ["sentiment", "score", "topics", "drivers"])
            var count = 0
            while let record = try reader.nextRecord() {
                guard record.fields.count > textIndex else {
                    throw InputError.missingField(column: input.textColumn, line: record.lineNumber)
                }
                let text = record.fields[textIndex]
                let sentiment = sentimentModel.classify(text)
                try writer.write(
                    record.fields + [
                        sentiment.label.rawValue, String(format: "%.4f", sentiment.score),
                        topics.topics(of: text).joined(separator: "|"), sentiment.drivers.joined(separator: "|"),
                    ])
                count += 1
                if count % 100_000 == 0 { TextOutput.printDiagnostic("\(count) rows") }
            }
            try writer.finish()
        }
    }

    /// `patron sentiment evaluate`.
    struct Evaluate: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Compare a model's answers with labels: accuracy, macro-F1, per class, confusion matrix.")

        @OptionGroup var input: InputOptions
        @OptionGroup var labels: LabelOptions

        @Option(help: "A model file from 'patron sentiment train'. Default: the built-in model.")
        var model: String?

        func run() async throws {
            let sentimentModel = try SentimentCommand.model(at: model)
            let examples = try labels.read(input)
            let evaluation = SentimentEvaluation(
                actual: examples.map(\.label), predicted: examples.map { sentimentModel.sentiment(of: $0.text) })
            for line in evaluation.report(model: sentimentModel.name) { try TextOutput.printLine(line) }
        }
    }
}
