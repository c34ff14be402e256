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
    private var buffer: [UInt8]
    private var position = 0
    private var available = 0
    private var reachedEnd = false
    private var line = 1
    private var field: [UInt8] = []
    private var checkedByteOrderMark = false

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
        var fields: [String] = []
        field.removeAll(keepingCapacity: true)
        var recordLine = line
        var inQuotes = false
        var afterClosingQuote = false
        var fieldWasQuoted = false
        if !checkedByteOrderMark {
            checkedByteOrderMark = true
            try skipByteOrderMark()
        }

        while true {
            guard let byte = try nextByte() else {
                if inQuotes { throw .unterminatedQuote(line: recordLine) }
                if fields.isEmpty, field.isEmpty, !fieldWasQuoted { return nil }
                fields.append(String(decoding: field, as: UTF8.self))
                return CSVRecord(fields: fields, lineNumber: recordLine)
            }
            if inQuotes {
                if byte == Self.quote {
                    if try peekByte() == Self.quote {
                        position += 1
                        field.append(Self.quote)
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
                    field.append(byte)
                }
                continue
            }
            switch byte {
            case Self.comma:
                fields.append(String(decoding: field, as: UTF8.self))
                field.removeAll(keepingCapacity: true)
                afterClosingQuote = false
                fieldWasQuoted = false
            case Self.lineFeed, Self.carriageReturn:
                if byte == Self.carriageReturn, try peekByte() == Self.lineFeed { position += 1 }
                line += 1
                if fields.isEmpty, field.isEmpty, !fieldWasQuoted {
                    recordLine = line
                    continue
                }
                fields.append(String(decoding: field, as: UTF8.self))
                return CSVRecord(fields: fields, lineNumber: recordLine)
            case Self.quote where field.isEmpty && !fieldWasQuoted:
                inQuotes = true
                fieldWasQuoted = true
            default:
                if afterClosingQuote { throw .unexpectedCharacterAfterQuote(line: line) }
                field.append(byte)
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
    private mutating func nextByte() throws(InputError) -> UInt8? {
        if position == available {
            guard try refill() else { return nil }
        }
        let byte = buffer[position]
        position += 1
        return byte
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
