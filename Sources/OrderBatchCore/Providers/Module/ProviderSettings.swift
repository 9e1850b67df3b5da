/// A provider's own job-file settings (Juspay's merchant id and updatable statuses), opaque to
/// everything but its ``ProviderModule``.
public protocol ProviderJobSettings: Sendable {
    /// Whether `other` holds the same settings.
    func isEqual(to other: any ProviderJobSettings) -> Bool
}

extension ProviderJobSettings where Self: Equatable {
    public func isEqual(to other: any ProviderJobSettings) -> Bool { (other as? Self) == self }
}

/// The settings a ``ProviderModule`` read from the job file, carried by the ``Job``.
public struct ProviderSettings: Sendable, Equatable {
    /// The module's own value.
    public var value: any ProviderJobSettings

    public init(_ value: any ProviderJobSettings) { self.value = value }

    /// No settings of its own.
    public static let none = ProviderSettings(NoProviderSettings())

    /// The value as the module's own type, or nil when it is another's.
    public func `as`<Settings: ProviderJobSettings>(_ type: Settings.Type) -> Settings? { value as? Settings }

    public static func == (a: ProviderSettings, b: ProviderSettings) -> Bool { a.value.isEqual(to: b.value) }
}

/// The settings of a provider that has no job-file keys of its own.
public struct NoProviderSettings: ProviderJobSettings, Equatable {
    public init() {}
}
