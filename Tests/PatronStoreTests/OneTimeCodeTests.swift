import PatronStore
import Testing

/// One-time codes against the published test vectors, and base32 both ways.
@Suite struct OneTimeCodeTests {
    /// RFC 4226 Appendix D: HOTP with the ASCII secret "12345678901234567890", counters 0 to 9.
    @Test func hotpMatchesRFC4226() {
        let code = OneTimeCode(secret: Array("12345678901234567890".utf8))
        let expected = [
            "755224", "287082", "359152", "969429", "338314", "254676", "287922", "162583", "399871", "520489",
        ]
        #expect((0..<10).map { code.code(step: Int64($0)) } == expected)
    }

    /// RFC 6238 Appendix B: TOTP with 30-second steps, eight digits, for each hash function and its seed.
    @Test(arguments: [
        (
            OneTimeCode.Algorithm.sha1, "12345678901234567890",
            ["94287082", "07081804", "14050471", "89005924", "69279037", "65353130"]
        ),
        (
            .sha256, "12345678901234567890123456789012",
            ["46119246", "68084774", "67062674", "91819424", "90698825", "77737706"]
        ),
        (
            .sha512, "1234567890123456789012345678901234567890123456789012345678901234",
            ["90693936", "25091201", "99943326", "93441116", "38618901", "47863826"]
        ),
    ])
    func totpMatchesRFC6238(algorithm: OneTimeCode.Algorithm, seed: String, expected: [String]) {
        let code = OneTimeCode(secret: Array(seed.utf8), digits: 8, algorithm: algorithm)
        let seconds: [Int64] = [59, 1_111_111_109, 1_111_111_111, 1_234_567_890, 2_000_000_000, 20_000_000_000]
        #expect(seconds.map { code.code(step: $0 / 30) } == expected)
    }

    @Test func base32RoundTripsAndMatchesRFC4648() {
        // RFC 4648 §10, without padding.
        #expect(Base32.encode(Array("foobar".utf8)) == "MZXW6YTBOI")
        #expect(Base32.encode(Array("f".utf8)) == "MY")
        #expect(Base32.decode("mzxw6ytboi") == Array("foobar".utf8))
        #expect(Base32.decode("MZXW6===") == Array("foo".utf8))
        #expect(Base32.decode("MZ1W") == nil)
        for length in 0..<41 {
            let bytes = (0..<length).map { UInt8(truncatingIfNeeded: $0 &* 37 &+ 11) }
            #expect(Base32.decode(Base32.encode(bytes)) == bytes)
        }
    }

    @Test func provisioningAddressNamesSecretAndIssuer() {
        let code = OneTimeCode(secret: Array("12345678901234567890".utf8))
        #expect(
            code.provisioningURI(account: "li.na@example.cn", issuer: "Patron")
                == "otpauth://totp/Patron:li%2Ena%40example%2Ecn?secret=GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ"
                + "&issuer=Patron&algorithm=SHA1&digits=6&period=30")
    }
}
