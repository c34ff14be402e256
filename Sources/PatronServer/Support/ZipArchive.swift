/// A zip archive of stored (uncompressed) files, as every unzip tool reads: enough for exports of text that
/// are small per person, without a compression library.
struct ZipArchive {
    private var body: [UInt8] = []
    private var directory: [UInt8] = []
    private var count: UInt16 = 0

    /// Adds a file. Names are ASCII paths; a file is at most 4 GiB, far beyond one member's data.
    mutating func add(_ name: String, _ contents: [UInt8]) {
        let nameBytes = Array(name.utf8)
        let crc = CRC32.checksum(contents)
        let offset = UInt32(body.count)
        // Local file header: version 2.0, no flags, stored, no DOS time (1980-01-01).
        body += le32(0x0403_4b50) + le16(20) + le16(0) + le16(0) + le16(0) + le16(0x21)
        body += le32(crc) + le32(UInt32(contents.count)) + le32(UInt32(contents.count))
        body += le16(UInt16(nameBytes.count)) + le16(0) + nameBytes + contents
        directory += le32(0x0201_4b50) + le16(20) + le16(20) + le16(0) + le16(0) + le16(0) + le16(0x21)
        directory += le32(crc) + le32(UInt32(contents.count)) + le32(UInt32(contents.count))
        directory += le16(UInt16(nameBytes.count)) + le16(0) + le16(0) + le16(0) + le16(0) + le32(0) + le32(offset)
        directory += nameBytes
        count += 1
    }

    /// The archive's bytes: the files, their central directory, and its end record.
    var bytes: [UInt8] {
        body + directory + le32(0x0605_4b50) + le16(0) + le16(0) + le16(count) + le16(count)
            + le32(UInt32(directory.count)) + le32(UInt32(body.count)) + le16(0)
    }

    private func le16(_ value: UInt16) -> [UInt8] { [UInt8(value & 0xff), UInt8(value >> 8)] }
    private func le32(_ value: UInt32) -> [UInt8] { (0..<4).map { UInt8((value >> (8 * $0)) & 0xff) } }
}

/// CRC-32 (IEEE 802.3, as zip uses).
enum CRC32 {
    private static let table: [UInt32] = (0..<256).map { index in
        var value = UInt32(index)
        for _ in 0..<8 { value = value & 1 == 1 ? 0xEDB8_8320 ^ (value >> 1) : value >> 1 }
        return value
    }

    static func checksum(_ bytes: [UInt8]) -> UInt32 {
        var crc: UInt32 = 0xFFFF_FFFF
        for byte in bytes { crc = table[Int((crc ^ UInt32(byte)) & 0xff)] ^ (crc >> 8) }
        return crc ^ 0xFFFF_FFFF
    }
}
