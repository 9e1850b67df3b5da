/// A small, fast, seedable random number generator (SplitMix64).
///
/// The executor draws its backoff jitter from one of these, seeded by the driver, so that a
/// test can replay a run exactly and nothing depends on global randomness.
///
/// Reference: Steele, Lea, Flood, "Fast Splittable Pseudorandom Number Generators" (2014);
/// the constants are those of `java.util.SplittableRandom` / <https://prng.di.unimi.it/splitmix64.c>.
public struct SplitMix64: RandomNumberGenerator, Sendable, Equatable {
    private var state: UInt64

    /// Creates a generator whose sequence is fixed by `seed`.
    public init(seed: UInt64) {
        self.state = seed
    }

    /// Returns the next 64 random bits.
    public mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
