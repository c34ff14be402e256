/// The rows of an import file, read one at a time so a file of any size streams.
protocol GrantRowSource: AnyObject {
    /// The next row, or nil at the end of the file.
    func next() throws -> GrantRow?
}
