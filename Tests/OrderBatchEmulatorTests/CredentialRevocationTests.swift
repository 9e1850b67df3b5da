import Testing

@testable import OrderBatchEmulator

@Suite struct CredentialRevocationTests {
    @Test func countsDownAppliedUpdates() {
        var gate = CredentialRevocation(revokeAfter: 2)
        #expect(!gate.isRevoked && gate.updatesLeft == 2)
        gate.noteApplied()
        #expect(!gate.isRevoked)
        gate.noteApplied()
        #expect(gate.isRevoked && gate.updatesLeft == nil)
        gate.restore()
        gate.noteApplied()
        #expect(!gate.isRevoked)
    }

    @Test func zeroRevokesAtOnceAndNilNever() {
        #expect(CredentialRevocation(revokeAfter: 0).isRevoked)
        var never = CredentialRevocation(revokeAfter: nil)
        for _ in 0..<100 { never.noteApplied() }
        #expect(!never.isRevoked)
        never.revoke(after: 0)
        #expect(never.isRevoked)
    }
}
