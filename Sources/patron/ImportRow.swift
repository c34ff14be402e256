/// One row of an import file: an item to apply, or the reason it cannot be read.
enum ImportRow<Item> {
    case item(Item)
    case refused(line: Int, reason: String)
}

/// The rows of an import file, read one at a time so a file of any size streams.
protocol ImportRowSource<Item>: AnyObject {
    associatedtype Item
    /// The next row, or nil at the end of the file.
    func next() throws -> ImportRow<Item>?
}
