/// 64-bit hashes of units and n-grams, the same for a feature read from text and for one named in a model file.
enum FeatureHash {
    private static let offset: UInt64 = 0xcbf2_9ce4_8422_2325
    private static let prime: UInt64 = 0x100_0000_01b3

    /// FNV-1a over a unit's scalars.
    static func unit(_ scalars: ArraySlice<Unicode.Scalar>) -> UInt64 {
        var hash = offset
        for scalar in scalars {
            hash = (hash ^ UInt64(scalar.value)) &* prime
        }
        return hash
    }

    /// The hash of the n-gram of `units`, marked when it stands in a negated clause.
    static func ngram(_ units: ArraySlice<TextUnit>, negated: Bool) -> UInt64 {
        var hash: UInt64 = negated ? 0x9e37_79b9_7f4a_7c15 : offset
        for unit in units {
            hash = mix(hash ^ unit.hash)
        }
        return hash
    }

    /// The finaliser of MurmurHash3: every input bit moves every output bit, so combined hashes do not collide
    /// by position.
    private static func mix(_ value: UInt64) -> UInt64 {
        var hash = value
        hash ^= hash >> 33
        hash &*= 0xff51_afd7_ed55_8ccd
        hash ^= hash >> 33
        hash &*= 0xc4ce_b9fe_1a85_ec53
        hash ^= hash >> 33
        return hash
    }
}
