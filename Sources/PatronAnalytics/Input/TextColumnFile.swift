/// A CSV file with a column of text and, for training and evaluation, a column of labels.
public enum TextColumnFile {
    /// Every row's text and label. Rows with an empty text are skipped: they say nothing either way.
    public static func readLabelled(
        path: String, textColumn: String, labelColumn: String, ratingScale: Int?
    ) throws(InputError) -> [LabelledText] {
        var reader = try CSVReader(path: path)
        guard let headerRecord = try reader.nextRecord() else { throw .emptyFile(path: path) }
        let header = CSVHeader(headerRecord.fields)
        let textIndex = try header.index(of: textColumn)
        let labelIndex = try header.index(of: labelColumn)
        var examples: [LabelledText] = []
        while let record = try reader.nextRecord() {
            guard record.fields.count > max(textIndex, labelIndex) else {
                throw .missingField(
                    column: record.fields.count > textIndex ? labelColumn : textColumn, line: record.lineNumber)
            }
            let rawLabel = record.fields[labelIndex]
            guard let label = SentimentLabel(parsing: rawLabel, ratingScale: ratingScale) else {
                throw .invalidLabel(
                    value: rawLabel, column: labelColumn, line: record.lineNumber,
                    expected: SentimentLabel.acceptedForms(ratingScale: ratingScale))
            }
            let text = record.fields[textIndex]
            if text.trimmingCharacters().isEmpty { continue }
            examples.append(LabelledText(text: text, label: label))
        }
        return examples
    }
}
