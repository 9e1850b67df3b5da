/// The provider a job speaks to: a ``ProviderModule`` found by name in a ``ProviderRegistry``.
///
/// Two values are equal when they name the same provider; ``rawValue`` is what the job file says and
/// what a run records (`runs.provider`).
public struct ProviderKind: Sendable, Hashable, CustomStringConvertible {
    /// Everything provider-specific.
    public let module: any ProviderModule

    public init(_ module: any ProviderModule) { self.module = module }

    /// The job file's `provider:` value.
    public var rawValue: String { module.name }

    public var description: String { rawValue }

    /// The provider's row rules.
    public func makeValidator() -> any RowValidator { module.makeValidator() }

    public static func == (a: ProviderKind, b: ProviderKind) -> Bool { a.rawValue == b.rawValue }

    public func hash(into hasher: inout Hasher) { hasher.combine(rawValue) }
}
