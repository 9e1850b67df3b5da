import Foundation
import OrderBatchCore
import Testing

@Suite struct HMACSHA256Tests {
    @Test func rfc4231TestCase2() {
        let hex = HMACSHA256.hexDigest(key: Array("Jefe".utf8), message: Array("what do ya want for nothing?".utf8))
        #expect(hex == "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843")
    }

    @Test func rfc4231TestCase1WithBinaryKey() {
        let key = [UInt8](repeating: 0x0b, count: 20)
        let hex = HMACSHA256.hexDigest(key: key, message: Array("Hi There".utf8))
        #expect(hex == "b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7")
    }

    @Test func emptyKeyAndMessage() {
        #expect(
            HMACSHA256.hexDigest(key: [], message: [])
                == "b613679a0814d9ec772f95d778c35fc5ff1697c493715653c6c712144292c5ad")
    }

    @Test func rawDigestIsTheHexDecoded() {
        let raw = HMACSHA256.digest(key: Array("Jefe".utf8), message: Array("what do ya want for nothing?".utf8))
        #expect(raw.count == 32)
        #expect(raw.prefix(4) == [0x5b, 0xdc, 0xc1, 0x46])
    }
}

@Suite struct SecureRandomTests {
    @Test func returnsTheRequestedCountAndDiffers() throws {
        let a = try SecureRandom.bytes(32)
        let b = try SecureRandom.bytes(32)
        #expect(a.count == 32)
        #expect(a != b)
        #expect(try SecureRandom.bytes(0).isEmpty)
    }
}
