extension ProviderKind {
    /// The provider's static row rules. Adding a provider adds one case here and one folder.
    public func makeValidator() -> any RowValidator {
        switch self {
        case .juspay: return JuspayValidator()
        case .rapyd: return RapydValidator()
        }
    }
}
