import Foundation
import Testing

@testable import OrderBatchCore

@Suite struct DecimalPlainTextTests {
    @Test(arguments: ["90.5", "90", "0.05", "0", "-12.34", "100", "123456789012345678901234567890", "0.1"])
    func plain(_ text: String) {
        #expect(Decimal.isPlainText(text))
    }

    @Test(arguments: [
        "90.50", "90.", ".5", "090", "00", "-0", "-0.0", "1e3", "+1", "", "-", "1.0", "0.50", " 1", "1 ", "1,5",
        "1234567890123456789012345678901",
    ])
    func notPlain(_ text: String) {
        #expect(!Decimal.isPlainText(text))
    }

    /// Wherever the check says yes, writing the parsed decimal gives the text back: random texts of
    /// 1 to 30 digits, both signs, with and without a fraction.
    @Test func plainTextRoundTrips() throws {
        var random = SplitMix64(seed: 12)
        var plain = 0
        for _ in 0..<20_000 {
            let digits = (0..<Int(random.next() % 30 + 1)).map { _ in String(random.next() % 10) }.joined()
            let point = Int(random.next() % UInt64(digits.count + 1))
            var text =
                point == 0 || point == digits.count
                ? digits : String(digits.prefix(point)) + "." + digits.dropFirst(point)
            if random.next() % 2 == 0 { text = "-" + text }
            guard Decimal.isPlainText(text) else { continue }
            plain += 1
            let decimal = try #require(Decimal(string: text, locale: Locale(identifier: "en_US_POSIX")))
            #expect(decimal.plainText == text)
        }
        #expect(plain > 5_000)
    }
}
