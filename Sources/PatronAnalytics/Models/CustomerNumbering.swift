/// Numbers customer identifiers 0, 1, 2, … in order of first appearance.
///
/// Order files list a million customers several million times in no particular order, so this lookup is the hot
/// loop of every per-customer summary. A `Dictionary<String, Int32>` spends most of its time on cache misses and
/// string comparison; this open-addressing table keeps identifiers of up to 16 UTF-8 bytes inside its 32-byte
/// slots, so a lookup usually touches one cache line. Longer identifiers are compared with the stored string.
struct CustomerNumbering {
    private struct Slot {
        var low: UInt64 = 0
        var high: UInt64 = 0
        var hash: UInt32 = 0
        /// The customer's number, or −1 for an empty slot.
        var number: Int32 = -1
        /// The identifier's length in bytes when it is stored inline (at most 16), otherwise 255.
        var inlineLength: UInt8 = 0
    }

    private var slots = [Slot](repeating: Slot(), count: 1024)
    private var mask = 1023
    /// The identifiers, indexed by number.
    private(set) var identifiers: [String] = []

    /// The number of `identifier`, assigning the next one if it is new.
    mutating func number(of identifier: String) -> Int32 {
        var identifier = identifier
        let (low, high, length, hash) = identifier.withUTF8 { Self.key($0) }
        let shortHash = UInt32(truncatingIfNeeded: hash)
        var index = Int(shortHash) & mask
        while true {
            let slot = slots[index]
            if slot.number < 0 { break }
            if slot.hash == shortHash, slot.inlineLength == length, slot.low == low,
                slot.high == high, length <= 16 || identifiers[Int(slot.number)] == identifier
            {
                return slot.number
            }
            index = (index + 1) & mask
        }
        let number = Int32(identifiers.count)
        slots[index] = Slot(low: low, high: high, hash: shortHash, number: number, inlineLength: length)
        identifiers.append(identifier)
        if identifiers.count * 2 > slots.count { grow() }
        return number
    }

    /// The first 16 bytes as two words, the inline length (255 when longer), and a hash of all the bytes.
    private static func key(_ bytes: UnsafeBufferPointer<UInt8>) -> (UInt64, UInt64, UInt8, UInt64) {
        var words: (UInt64, UInt64) = (0, 0)
        withUnsafeMutableBytes(of: &words) { raw in
            for index in 0..<min(bytes.count, 16) { raw[index] = bytes[index] }
        }
        var hash = 0xCBF2_9CE4_8422_2325 ^ UInt64(bytes.count)
        if bytes.count <= 16 {
            hash = (hash ^ words.0) &* 0x9E37_79B9_7F4A_7C15
            hash = (hash ^ (hash >> 32) ^ words.1) &* 0xBF58_476D_1CE4_E5B9
        } else {
            for byte in bytes { hash = (hash ^ UInt64(byte)) &* 0x0000_0100_0000_01B3 }
            hash = (hash ^ (hash >> 32)) &* 0xBF58_476D_1CE4_E5B9
        }
        hash ^= hash >> 29
        return (words.0, words.1, bytes.count <= 16 ? UInt8(bytes.count) : 255, hash)
    }

    private mutating func grow() {
        let old = slots
        slots = [Slot](repeating: Slot(), count: old.count * 2)
        mask = slots.count - 1
        for slot in old where slot.number >= 0 {
            var index = Int(slot.hash) & mask
            while slots[index].number >= 0 { index = (index + 1) & mask }
            slots[index] = slot
        }
    }
}
