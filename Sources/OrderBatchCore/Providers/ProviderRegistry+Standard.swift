extension ProviderRegistry {
    /// The providers of the binary. Adding a provider is one folder under `Providers/` and one line here.
    public static let standard = ProviderRegistry([
        JuspayModule(),
        RapydModule(),
    ])
}
