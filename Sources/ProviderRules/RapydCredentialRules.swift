/// Where Rapyd credentials come from, shared by the client (which reads them) and the emulator
/// (which accepts them): the default environment variables and the emulator's demo values.
public enum RapydCredentialRules {
    /// The `access_key` header value: the variable the client reads by default.
    public static let accessKeyVariable = "RAPYD_ACCESS_KEY"
    /// The secret key that signs requests: the variable the client reads by default.
    public static let secretKeyVariable = "RAPYD_SECRET_KEY"
    /// The access key the emulator accepts when ``accessKeyVariable`` is unset.
    public static let demoAccessKey = "rak_demo_access"
    /// The secret key the emulator accepts when ``secretKeyVariable`` is unset.
    public static let demoSecretKey = "rsk_demo_secret"
}
