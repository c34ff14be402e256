/// Counts equal keys of one whole number and two real numbers, such as (x, tₓ, T) histories or (x, mean spend)
/// pairs, and lists the distinct keys in the order each first appeared.
///
/// A dictionary would do the same, but fitting a million customers hashes a million keys: this open-addressing
/// table keeps each key and its count in one 32-byte slot, so an addition costs a cheap multiplicative hash and
/// usually one cache miss. Keys compare by value, with −0.0 and 0.0 equal; NaN must not occur (the callers
/// validate their inputs first).
struct KeyCounter {
    private struct Slot {
        var whole: Int
        var first: UInt64
        var second: UInt64
        var count: Int32
        /// The key's rank in order of first appearance, or −1 for an empty slot.
        var position: Int32

        static let empty = Slot(whole: 0, first: 0, second: 0, count: 0, position: -1)
    }

    private var slots: [Slot]
    private var mask: Int
    /// The number of distinct keys.
    private(set) var count = 0

    /// Creates an empty counter.
    init() {
        slots = [Slot](repeating: .empty, count: 1024)
        mask = slots.count - 1
    }

    /// Adds one occurrence of a key.
    mutating func add(_ whole: Int, _ first: Double, _ second: Double) {
        // Adding 0.0 turns −0.0 into 0.0 so that equal numbers have equal bits.
        let firstBits = (first + 0).bitPattern
        let secondBits = (second + 0).bitPattern
        var index = Self.hash(whole, firstBits, secondBits) & mask
        let isNew: Bool = slots.withUnsafeMutableBufferPointer { slots in
            while slots[index].position >= 0 {
                if slots[index].whole == whole, slots[index].first == firstBits, slots[index].second == secondBits {
                    slots[index].count += 1
                    return false
                }
                index = (index + 1) & mask
            }
            slots[index] = Slot(
                whole: whole, first: firstBits, second: secondBits, count: 1, position: Int32(truncatingIfNeeded: count)
            )
            return true
        }
        guard isNew else { return }
        count += 1
        // Keep the table at most half full so probes stay short.
        if count * 2 > slots.count { grow() }
    }

    /// The distinct keys and their counts, in order of first appearance.
    func keys() -> [(whole: Int, first: Double, second: Double, count: Int)] {
        var keys = [(whole: Int, first: Double, second: Double, count: Int)](
            repeating: (0, 0, 0, 0), count: count)
        for slot in slots where slot.position >= 0 {
            keys[Int(slot.position)] = (
                slot.whole, Double(bitPattern: slot.first), Double(bitPattern: slot.second), Int(slot.count)
            )
        }
        return keys
    }

    private mutating func grow() {
        let old = slots
        slots = [Slot](repeating: .empty, count: old.count * 2)
        mask = slots.count - 1
        for slot in old where slot.position >= 0 {
            var index = Self.hash(slot.whole, slot.first, slot.second) & mask
            while slots[index].position >= 0 { index = (index + 1) & mask }
            slots[index] = slot
        }
    }

    /// A 64-bit mix of the three parts (multiply–xorshift, as in SplitMix64's finaliser).
    private static func hash(_ whole: Int, _ first: UInt64, _ second: UInt64) -> Int {
        var value = UInt64(bitPattern: Int64(whole)) &* 0x9E37_79B9_7F4A_7C15
        value = (value ^ first) &* 0xBF58_476D_1CE4_E5B9
        value = (value ^ (value >> 31) ^ second) &* 0x94D0_49BB_1331_11EB
        value ^= value >> 29
        return Int(truncatingIfNeeded: value)
    }
}
