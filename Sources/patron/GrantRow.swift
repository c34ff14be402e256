import PatronStore

/// One row of an import file: a grant to apply, or the reason it cannot be read.
enum GrantRow {
    case grant(PointGrant)
    case refused(line: Int, reason: String)
}
