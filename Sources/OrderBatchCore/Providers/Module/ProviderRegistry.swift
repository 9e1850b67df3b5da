/// The providers a job may name, in a fixed order (the order of help texts and messages).
///
/// The binary uses ``standard``; a test adds a provider of its own with ``withAdditional(_:)`` and passes
/// the registry to ``JobParser``:
///
/// ```swift
/// let registry = ProviderRegistry.standard.withAdditional([AcmeModule()])
/// let job = try JobParser.load(path: "acme.yaml", registry: registry)
/// ```
public struct ProviderRegistry: Sendable {
    /// The modules, by registration order.
    public let modules: [any ProviderModule]

    /// A registry of these modules; a later module with the name of an earlier one is ignored.
    public init(_ modules: [any ProviderModule]) {
        var seen = Set<String>()
        self.modules = modules.filter { seen.insert($0.name).inserted }
    }

    /// This registry and `more` after it.
    public func withAdditional(_ more: [any ProviderModule]) -> ProviderRegistry {
        ProviderRegistry(modules + more)
    }

    /// The provider named `name` (a job file's `provider:`, a run's recorded provider).
    public func provider(named name: String) -> ProviderKind? {
        modules.first { $0.name == name }.map(ProviderKind.init)
    }

    /// Every `provider:` value, in order.
    public var names: [String] { modules.map(\.name) }

    /// `juspay or rapyd`; `a, b or c`.
    public var namesAsChoice: String {
        let n = names
        guard n.count > 1 else { return n.first ?? "" }
        return n.dropLast().joined(separator: ", ") + " or " + (n.last ?? "")
    }

    /// `Juspay, Rapyd`: the display names, for help texts.
    public var displayNames: String { modules.map(\.displayName).joined(separator: ", ") }

    /// Every module's ``ProviderModule/jobKeys``, in order.
    public var jobKeys: [String] { modules.flatMap(\.jobKeys) }

    /// Every module's ``ProviderModule/jobSections``, in order.
    public var jobSections: [String] { modules.flatMap(\.jobSections) }

    /// `none` and every module's emulator latency models.
    public var emulatorLatencyModels: [String] { ["none"] + modules.flatMap(\.emulatorLatencyModels) }
}
