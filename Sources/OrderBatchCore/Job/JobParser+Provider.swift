// MARK: - The provider's own keys

extension MappingReader {
    /// The keys of the job's provider, read by its module; the keys of every other registered provider
    /// refused by theirs ("merchant_id: is a Juspay setting; rapyd jobs do not use it").
    mutating func providerSettings(
        _ provider: ProviderKind, registry: ProviderRegistry
    ) throws(JobError)
        -> ProviderSettings
    {
        var section = ProviderJobSection(self)
        defer { self = section.reader }
        let settings = try provider.module.readSettings(&section)
        for other in registry.modules where other.name != provider.rawValue {
            try other.refuseKeys(&section, inJobOf: provider.rawValue)
        }
        return settings
    }
}
