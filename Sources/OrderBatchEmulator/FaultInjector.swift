/// Decides, reproducibly, which provider API requests get a fault and how long each is delayed.
///
/// Every draw is SplitMix64 of (seed, stream, request index): the n-th provider request always
/// gets the same decision under the same seed, whatever the timing or the number of threads.
/// Which *request* is the n-th depends on arrival order, which a concurrent client does not fix;
/// a sequential client sees the exact same faults on every run.
struct FaultInjector: Sendable {
    /// The fraction of requests that get ``fault``.
    let failRate: Double
    /// The fault to inject.
    let fault: EmulatorFault
    /// The seed of every draw.
    let seed: UInt64

    /// The independent random streams drawn from.
    enum Stream: UInt64 {
        case fault = 1
        case latency = 2
    }

    /// The fault for the request with this index, or `nil` to answer it normally.
    func fault(forRequest index: UInt64) -> EmulatorFault? {
        guard failRate > 0 else { return nil }
        return Self.uniform(seed: seed, stream: .fault, index: index) < failRate ? fault : nil
    }

    /// A uniform draw in `0..<1` for the request with this index from one stream.
    static func uniform(seed: UInt64, stream: Stream, index: UInt64) -> Double {
        let bits = splitMix64(splitMix64(seed ^ (stream.rawValue &* 0xD1B5_4A32_D192_ED03)) &+ index)
        return Double(bits >> 11) * 0x1.0p-53
    }

    /// One SplitMix64 output for the state `x` (Steele, Lea & Flood, "Fast splittable pseudorandom
    /// number generators", OOPSLA 2014).
    static func splitMix64(_ x: UInt64) -> UInt64 {
        var z = x &+ 0x9E37_79B9_7F4A_7C15
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
