import Dispatch

/// Runs a loop over many rows as fixed-size chunks on every core at once, and hands back the chunks' results in
/// chunk order.
///
/// The chunks do not depend on the number of cores, so sums combined in chunk order are the same on every machine
/// to the last bit; only the time changes.
enum ChunkedSum {
    /// Rows per chunk: large enough that starting a chunk costs nothing next to it, small enough that two cores
    /// share a million rows evenly.
    static let chunkSize = 32_768

    /// `body` applied to consecutive chunks of `0..<count`, run concurrently.
    static func map<Result: Sendable>(_ count: Int, _ body: @Sendable (Range<Int>) -> Result) -> [Result] {
        let chunks = (count + chunkSize - 1) / chunkSize
        guard chunks > 1 else { return [body(0..<count)] }
        var results = [Result?](repeating: nil, count: chunks)
        results.withUnsafeMutableBufferPointer { buffer in
            // Each chunk writes its own slot only.
            nonisolated(unsafe) let slots = buffer
            DispatchQueue.concurrentPerform(iterations: chunks) { chunk in
                let start = chunk * chunkSize
                slots[chunk] = body(start..<min(start + chunkSize, count))
            }
        }
        return results.map { $0! }
    }

    /// Fills `count` values, each `value(index)`, concurrently.
    static func fill(_ count: Int, _ value: @Sendable (Int) -> Double) -> [Double] {
        [Double](unsafeUninitializedCapacity: count) { buffer, initialized in
            // Each chunk initialises its own range only.
            nonisolated(unsafe) let values = buffer
            _ = map(count) { range in
                for index in range { values.initializeElement(at: index, to: value(index)) }
            }
            initialized = count
        }
    }
}
