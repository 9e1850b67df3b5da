import Testing

@testable import OrderBatchCore

@Suite struct DuplicateIndexTests {
    /// The candidates a plain comparison of the 44 fingerprint bits the index keeps would give.
    private func expected(_ fingerprints: [UInt64]) -> [Int] {
        var bySignature: [UInt64: [Int]] = [:]
        for (i, fp) in fingerprints.enumerated() { bySignature[fp >> 20, default: []].append(i + 1) }
        return bySignature.values.filter { $0.count > 1 }.flatMap { $0 }.sorted()
    }

    private func candidates(_ fingerprints: [UInt64]) -> [Int] {
        var index = DuplicateIndex()
        for (i, fp) in fingerprints.enumerated() { index.add(fingerprint: fp, seq: i + 1) }
        #expect(index.count == fingerprints.count)
        return index.candidateSeqs()
    }

    @Test func equalFingerprintsAreCandidatesAndOthersAreNot() {
        let fps: [UInt64] = [
            OrderFingerprint.of("a1"), OrderFingerprint.of("b2"), OrderFingerprint.of("a1"),
            0, 0, 0,  // a zero fingerprint, three times
            0xFFFF_F000_0000_0000, 0xFFFF_F000_000F_FFFF,  // differ only in bits the index drops
            0x0100_0000_0000_0000, 0x0000_0000_0010_0000,  // same 36 kept bits, other buckets
        ]
        #expect(candidates(fps) == [1, 3, 4, 5, 6, 7, 8])
        #expect(candidates(fps) == expected(fps))
    }

    @Test func manyRowsMatchAPlainComparison() {
        var state: UInt64 = 42
        var fps: [UInt64] = []
        for i in 0..<200_000 {
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            // Every 1000th row repeats an earlier fingerprint; the rest are random.
            fps.append(i % 1000 == 999 ? fps[Int(state >> 40) % fps.count] : state)
        }
        #expect(candidates(fps) == expected(fps))
        #expect(candidates([]) == [] && candidates([7]) == [])
    }
}
