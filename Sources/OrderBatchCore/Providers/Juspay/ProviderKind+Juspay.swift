extension ProviderKind {
    /// Juspay.
    public static let juspay = ProviderKind(JuspayModule())
}
