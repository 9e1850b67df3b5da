extension Job {
    /// Names of the environment variables holding the job provider's credentials: each
    /// ``CredentialSpec/defaultVariable``, unless the job's `credentials:` section names another.
    public struct CredentialNames: Sendable, Equatable {
        /// The variables named by the job file, by ``CredentialSpec/key``.
        public private(set) var overrides: [String: String] = [:]
        /// The provider's credentials, in order.
        public let specs: [CredentialSpec]

        public init(_ specs: [CredentialSpec]) { self.specs = specs }

        /// The variable holding the credential `spec`.
        public func variable(for spec: CredentialSpec) -> String { overrides[spec.key] ?? spec.defaultVariable }

        /// The variable for the `credentials:` sub-key `key` (`api_key_env`), or nil for a key the provider lacks.
        public func variable(forKey key: String) -> String? {
            specs.first { $0.key == key }.map(variable(for:))
        }

        /// Every variable, in the provider's order (for messages: "check A and B").
        public var variables: [String] { specs.map(variable(for:)) }

        /// Names another variable for the credential `key`.
        public mutating func set(_ key: String, to variable: String) { overrides[key] = variable }
    }
}
