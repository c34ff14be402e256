#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif

/// Why output could not be written.
public enum OutputError: Error, Hashable, CustomStringConvertible {
    /// The file could not be created.
    case cannotCreate(path: String, reason: String)
    /// Writing failed.
    case writeFailed(path: String, reason: String)

    public var description: String {
        switch self {
        case .cannotCreate(let path, let reason): "cannot create \(path): \(reason)"
        case .writeFailed(let path, let reason): "cannot write \(path): \(reason)"
        }
    }
}

/// A buffered writer of CSV rows to a file or to standard output.
///
/// Fields that contain a comma, a quote or a line break are quoted as RFC 4180 requires. Call ``finish()`` to
/// flush; the file is closed when the writer goes away.
public struct CSVWriter: ~Copyable {
    private static let flushThreshold = 1 << 20
    private let descriptor: Int32
    private let path: String
    private let ownsDescriptor: Bool
    private var buffer: [UInt8] = []

    /// Creates (or truncates) the file at `path`.
    public init(path: String) throws(OutputError) {
        let descriptor = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        guard descriptor >= 0 else { throw .cannotCreate(path: path, reason: String(cString: strerror(errno))) }
        self.descriptor = descriptor
        self.path = path
        self.ownsDescriptor = true
        buffer.reserveCapacity(Self.flushThreshold + 4096)
    }

    /// Writes to standard output.
    public init(standardOutput: Void = ()) {
        self.descriptor = 1
        self.path = "standard output"
        self.ownsDescriptor = false
        buffer.reserveCapacity(Self.flushThreshold + 4096)
    }

    deinit {
        if ownsDescriptor { close(descriptor) }
    }

    /// Appends one row.
    public mutating func write(_ fields: [String]) throws(OutputError) {
        for (index, field) in fields.enumerated() {
            if index > 0 { buffer.append(0x2C) }
            if field.utf8.contains(where: { $0 == 0x2C || $0 == 0x22 || $0 == 0x0A || $0 == 0x0D }) {
                buffer.append(0x22)
                for byte in field.utf8 {
                    if byte == 0x22 { buffer.append(0x22) }
                    buffer.append(byte)
                }
                buffer.append(0x22)
            } else {
                buffer.append(contentsOf: field.utf8)
            }
        }
        buffer.append(0x0A)
        if buffer.count >= Self.flushThreshold { try flush() }
    }

    /// Writes everything buffered so far.
    public mutating func finish() throws(OutputError) {
        try flush()
    }

    private mutating func flush() throws(OutputError) {
        try TextOutput.writeAll(buffer, to: descriptor, path: path)
        buffer.removeAll(keepingCapacity: true)
    }
}

/// Unbuffered writes of whole lines to standard output and standard error.
public enum TextOutput {
    /// Writes `text` and a line break to standard output.
    public static func printLine(_ text: String) throws(OutputError) {
        try writeAll(Array((text + "\n").utf8), to: 1, path: "standard output")
    }

    /// Writes `text` and a line break to standard error, ignoring failures (it is used for progress messages).
    public static func printDiagnostic(_ text: String) {
        try? writeAll(Array((text + "\n").utf8), to: 2, path: "standard error")
    }

    static func writeAll(_ bytes: [UInt8], to descriptor: Int32, path: String) throws(OutputError) {
        var offset = 0
        while offset < bytes.count {
            let written = bytes.withUnsafeBytes { write(descriptor, $0.baseAddress! + offset, bytes.count - offset) }
            if written < 0 {
                if errno == EINTR { continue }
                throw .writeFailed(path: path, reason: String(cString: strerror(errno)))
            }
            offset += written
        }
    }
}
