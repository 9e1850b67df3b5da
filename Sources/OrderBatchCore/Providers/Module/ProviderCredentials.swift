/// A run's secrets, by ``CredentialSpec/key``, read from the environment variables the job names.
public struct ProviderCredentials: Sendable {
    private var values: [String: Secret]

    public init(_ values: [String: Secret]) { self.values = values }

    /// The secret under `key`; empty when there is none.
    public subscript(key: String) -> Secret { values[key] ?? Secret("") }

    /// Reads every credential of the job's provider, in its module's order.
    ///
    /// For `endpoint: emulator` a credential whose variable is unset or empty takes the emulator's demo
    /// value (``CredentialSpec/emulatorDemo``).
    ///
    /// - Throws: ``MissingCredential`` naming the first variable that is unset for a real endpoint.
    public static func read(for job: Job, environment: [String: String]) throws(MissingCredential) -> Self {
        var values: [String: Secret] = [:]
        for spec in job.provider.module.credentials {
            let name = job.credentials.variable(for: spec)
            if let v = environment[name], !v.isEmpty {
                values[spec.key] = Secret(v)
            } else if job.endpoint == .emulator {
                values[spec.key] = Secret(spec.emulatorDemo)
            } else {
                throw MissingCredential(name: name)
            }
        }
        return ProviderCredentials(values)
    }

    /// The same placeholder for every credential of the job's provider (a dry run's, never sent).
    public static func placeholder(_ text: String, for job: Job) -> Self {
        ProviderCredentials(
            Dictionary(
                job.provider.module.credentials.map { ($0.key, Secret(text)) }, uniquingKeysWith: { a, _ in a }))
    }
}

/// A credential's environment variable is unset or empty.
public struct MissingCredential: Error, Sendable, Equatable {
    /// The variable's name.
    public var name: String

    public init(name: String) { self.name = name }
}
