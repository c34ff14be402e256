import Foundation
import NIOCore
import Synchronization

/// What the line decoder has taken in; touched only on the event loop.
final class InboundLedger: Sendable {
    private let linesDecoded = Atomic<Int>(0)
    private let bytesBuffered = Atomic<Int>(0)

    func lineDecoded(leaving remainder: Int) {
        linesDecoded.add(1, ordering: .relaxed)
        bytesBuffered.store(remainder, ordering: .relaxed)
    }
    func buffered(_ count: Int) { bytesBuffered.store(count, ordering: .relaxed) }
    func isDrained(linesRead: Int) -> Bool {
        linesDecoded.load(ordering: .relaxed) == linesRead && bytesBuffered.load(ordering: .relaxed) == 0
    }
}

struct PlaintextAfterSTARTTLS: Error, CustomStringConvertible {
    var description: String { "server sent unexpected data after its reply to STARTTLS" }
}

/// Splits the byte stream into lines without their CRLF (or bare LF).
struct LineDecoder: ByteToMessageDecoder {
    typealias InboundOut = String
    static let maxLineLength = 16 * 1024

    struct LineTooLong: Error {}

    let ledger: InboundLedger

    mutating func decode(context: ChannelHandlerContext, buffer: inout ByteBuffer) throws -> DecodingState {
        guard let newline = buffer.readableBytesView.firstIndex(of: UInt8(ascii: "\n")) else {
            if buffer.readableBytes > Self.maxLineLength { throw LineTooLong() }
            ledger.buffered(buffer.readableBytes)
            return .needMoreData
        }
        var line = buffer.readSlice(length: newline - buffer.readerIndex + 1)!
        var length = line.readableBytes - 1
        if length > 0, line.getInteger(at: line.readerIndex + length - 1, as: UInt8.self) == UInt8(ascii: "\r") {
            length -= 1
        }
        ledger.lineDecoded(leaving: buffer.readableBytes)
        context.fireChannelRead(wrapInboundOut(line.readString(length: length)!))
        return .continue
    }

    mutating func decodeLast(
        context: ChannelHandlerContext,
        buffer: inout ByteBuffer,
        seenEOF: Bool
    ) throws -> DecodingState {
        try decode(context: context, buffer: &buffer)
    }
}

extension String {
    func redacting(_ secrets: [String]) -> String {
        secrets.filter { !$0.isEmpty }.reduce(self) { $0.replacingOccurrences(of: $1, with: "***") }
    }
}
