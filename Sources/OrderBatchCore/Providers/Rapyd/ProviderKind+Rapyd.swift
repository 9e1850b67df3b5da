extension ProviderKind {
    /// Rapyd.
    public static let rapyd = ProviderKind(RapydModule())
}
