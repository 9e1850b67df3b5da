/// Juspay's published Update Order latency, shared as plain data by the client (which estimates a run's
/// duration from it: `orderbatch plan`) and the emulator (which draws its delays from it: `--latency juspay`).
public enum JuspayLatency {
    /// Percentile points `(cumulative probability, milliseconds)` from the "API Latency Guidelines" table of
    /// https://juspay.io/in/docs/api-reference/docs/express-checkout/update-order-api (TP50 19.85, TP90 290.28,
    /// TP99 429.57, TP99.9 574, TP99.99 1075.28 ms).
    ///
    /// Juspay publishes no minimum or maximum; P0 = 5 ms and P100 = 1100 ms are assumptions so that the
    /// distribution is bounded.
    public static let updateOrderPercentiles: [(probability: Double, milliseconds: Double)] = [
        (0, 5),
        (0.5, 19.85),
        (0.9, 290.28),
        (0.99, 429.57),
        (0.999, 574),
        (0.9999, 1075.28),
        (1, 1100),
    ]
}
