#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif

/// One record of a CSV file and the line it starts on.
public struct CSVRecord: Sendable, Hashable {
    /// The fields, unquoted.
    public var fields: [String]
    /// The 1-based line number where the record starts.
    public var lineNumber: Int

    /// Creates a record.
    public init(fields: [String], lineNumber: Int) {
        self.fields = fields
        self.lineNumber = lineNumber
    }
}

/// A streaming RFC 4180 reader: comma-separated fields, optional double quotes (with "" for a quote inside),
/// quoted line breaks, and LF, CRLF or CR line ends.
///
/// It reads the file in 1 MiB blocks, so memory stays flat however large the file is. Blank lines are skipped,
/// and a UTF-8 byte-order mark at the start is ignored.
public struct CSVReader: ~Copyable {
    private static let blockSize = 1 << 20
    private static let comma: UInt8 = 0x2C
    private static let quote: UInt8 = 0x22
    private static let lineFeed: UInt8 = 0x0A
    private static let carriageReturn: UInt8 = 0x0D

    private let descriptor: Int32
    private let path: String
    private(set) var buffer: [UInt8]
    private var position = 0
    private var available = 0
    private var reachedEnd = false
    private var line = 1
    private var checkedByteOrderMark = false
    /// The unquoted bytes of the current record's fields, back to back, when it could not be read in place.
    private(set) var recordBytes: [UInt8] = []
    /// Whether the current record's fields are read in place from ``buffer`` rather than from ``recordBytes``.
    private(set) var recordIsInBuffer = false
    /// Where each field of the current record starts and ends, in ``buffer`` or ``recordBytes``.
    private(set) var fieldStarts: [Int] = []
    private(set) var fieldEnds: [Int] = []
    /// The 1-based line on which the current record starts (a quoted line break inside a record counts, so the
    /// next record's line is its line in the file).
    public private(set) var recordLine = 0

    /// Opens a file for reading.
    public init(path: String) throws(InputError) {
        let descriptor = open(path, O_RDONLY)
        guard descriptor >= 0 else {
            throw .cannotOpen(path: path, reason: String(cString: strerror(errno)))
        }
        self.descriptor = descriptor
        self.path = path
        self.buffer = [UInt8](repeating: 0, count: Self.blockSize)
    }

    /// Reads CSV from text in memory.
    public init(text: String) {
        self.descriptor = -1
        self.path = "<text>"
        self.buffer = Array(text.utf8)
        self.available = buffer.count
        self.reachedEnd = true
    }

    deinit {
        if descriptor >= 0 { close(descriptor) }
    }

    /// Returns the next record, or nil at the end of the input.
    public mutating func nextRecord() throws(InputError) -> CSVRecord? {
        guard try advance() else { return nil }
        return CSVRecord(fields: fieldEnds.indices.map { fieldText($0) }, lineNumber: recordLine)
    }

    /// Moves to the next record, whose fields are then read with ``fieldText(_:)`` and the other field accessors
    /// without making a string per field; returns false at the end of the input.
    public mutating func advance() throws(InputError) -> Bool {
        if !checkedByteOrderMark {
            checkedByteOrderMark = true
            try skipByteOrderMark()
        }
        fieldStarts.removeAll(keepingCapacity: true)
        fieldEnds.removeAll(keepingCapacity: true)
        if advanceInPlace() { return true }
        fieldStarts.removeAll(keepingCapacity: true)
        fieldEnds.removeAll(keepingCapacity: true)
        return try advanceCopying()
    }

    /// Reads the next record where it lies when that is simple: wholly in the buffer, without quotes, not blank,
    /// and ended by a line break. Returns false, having consumed nothing, otherwise.
    private mutating func advanceInPlace() -> Bool {
        let start = position
        let end = available
        guard start < end else { return false }
        let next: Int? = buffer.withUnsafeBufferPointer { bytes in
            if bytes[start] == Self.lineFeed || bytes[start] == Self.carriageReturn { return nil }
            var fieldStart = start
            var index = start
            while index < end {
                let byte = bytes[index]
                if byte > Self.comma {
                    index += 1
                    continue
                }
                switch byte {
                case Self.comma:
                    fieldStarts.append(fieldStart)
                    fieldEnds.append(index)
                    fieldStart = index + 1
                case Self.lineFeed:
                    fieldStarts.append(fieldStart)
                    fieldEnds.append(index)
                    return index + 1
                case Self.carriageReturn:
                    guard index + 1 < end else { return nil }
                    fieldStarts.append(fieldStart)
                    fieldEnds.append(index)
                    return bytes[index + 1] == Self.lineFeed ? index + 2 : index + 1
                case Self.quote:
                    return nil
                default:
                    break
                }
                index += 1
            }
            return nil
        }
        guard let next else { return false }
        recordIsInBuffer = true
        recordLine = line
        line += 1
        position = next
        return true
    }

    /// Reads the next record byte by byte, copying its unquoted fields to ``recordBytes``.
    private mutating func advanceCopying() throws(InputError) -> Bool {
        recordIsInBuffer = false
        recordBytes.removeAll(keepingCapacity: true)
        recordLine = line
        var fieldStart = 0
        var inQuotes = false
        var afterClosingQuote = false
        var fieldWasQuoted = false

        while true {
            if position == available {
                guard try refill() else {
                    if inQuotes { throw .unterminatedQuote(line: recordLine) }
                    if fieldEnds.isEmpty, recordBytes.count == fieldStart, !fieldWasQuoted { return false }
                    fieldStarts.append(fieldStart)
                    fieldEnds.append(recordBytes.count)
                    return true
                }
            }
            if !afterClosingQuote {
                // Copy a run of bytes that need no decision in one go.
                let runEnd = ordinaryRunEnd(inQuotes: inQuotes)
                if runEnd > position {
                    let runStart = position
                    buffer.withUnsafeBufferPointer {
                        recordBytes.append(contentsOf: UnsafeBufferPointer(rebasing: $0[runStart..<runEnd]))
                    }
                    position = runEnd
                    continue
                }
            }
            let byte = buffer[position]
            position += 1
            if inQuotes {
                if byte == Self.quote {
                    if try peekByte() == Self.quote {
                        position += 1
                        recordBytes.append(Self.quote)
                    } else {
                        inQuotes = false
                        afterClosingQuote = true
                    }
                } else {
                    if byte == Self.lineFeed {
                        line += 1
                    } else if byte == Self.carriageReturn, try peekByte() != Self.lineFeed {
                        line += 1
                    }
                    recordBytes.append(byte)
                }
                continue
            }
            switch byte {
            case Self.comma:
                fieldStarts.append(fieldStart)
                fieldEnds.append(recordBytes.count)
                fieldStart = recordBytes.count
                afterClosingQuote = false
                fieldWasQuoted = false
            case Self.lineFeed, Self.carriageReturn:
                if byte == Self.carriageReturn, try peekByte() == Self.lineFeed { position += 1 }
                line += 1
                if fieldEnds.isEmpty, recordBytes.count == fieldStart, !fieldWasQuoted {
                    recordLine = line
                    continue
                }
                fieldStarts.append(fieldStart)
                fieldEnds.append(recordBytes.count)
                return true
            case Self.quote where recordBytes.count == fieldStart && !fieldWasQuoted:
                inQuotes = true
                fieldWasQuoted = true
            default:
                if afterClosingQuote { throw .unexpectedCharacterAfterQuote(line: line) }
                recordBytes.append(byte)
            }
        }
    }

    /// The end of the run of buffered bytes from ``position`` that are copied as they are: anything but a comma,
    /// quote or line end outside quotes, and anything but a quote or line end inside them.
    private func ordinaryRunEnd(inQuotes: Bool) -> Int {
        let start = position
        let end = available
        return buffer.withUnsafeBufferPointer { bytes in
            var index = start
            if inQuotes {
                while index < end {
                    let byte = bytes[index]
                    if byte == Self.quote || byte == Self.lineFeed || byte == Self.carriageReturn { break }
                    index += 1
                }
            } else {
                while index < end {
                    let byte = bytes[index]
                    if byte == Self.comma || byte == Self.quote || byte == Self.lineFeed
                        || byte == Self.carriageReturn
                    {
                        break
                    }
                    index += 1
                }
            }
            return index
        }
    }

    /// Skips what is left of the current line, so reading can go on with the next record after
    /// ``InputError/unexpectedCharacterAfterQuote(line:)``.
    public mutating func skipRestOfLine() throws(InputError) {
        while let byte = try peekByte() {
            position += 1
            if byte == Self.lineFeed || byte == Self.carriageReturn {
                if byte == Self.carriageReturn, try peekByte() == Self.lineFeed { position += 1 }
                line += 1
                return
            }
        }
    }

    private mutating func skipByteOrderMark() throws(InputError) {
        guard try peekByte() == 0xEF else { return }
        if available - position >= 3, buffer[position + 1] == 0xBB, buffer[position + 2] == 0xBF {
            position += 3
        }
    }

    @inline(__always)
    private mutating func peekByte() throws(InputError) -> UInt8? {
        if position == available {
            guard try refill() else { return nil }
        }
        return buffer[position]
    }

    /// Reads the next block; returns false at the end of the input.
    private mutating func refill() throws(InputError) -> Bool {
        if reachedEnd { return false }
        let descriptor = self.descriptor
        let capacity = buffer.count
        var count = 0
        repeat {
            count = buffer.withUnsafeMutableBytes { read(descriptor, $0.baseAddress, capacity) }
        } while count < 0 && errno == EINTR
        if count < 0 { throw .readFailed(path: path, reason: String(cString: strerror(errno))) }
        position = 0
        available = count
        if count == 0 {
            reachedEnd = true
            return false
        }
        return true
    }
}
