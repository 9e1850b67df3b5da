/// Where Juspay credentials come from, shared by the client (which reads them) and the emulator
/// (which accepts them): the default environment variables and the emulator's demo values.
public enum JuspayCredentialRules {
    /// The API key (Basic-auth user name): the variable the client reads by default.
    public static let apiKeyVariable = "JUSPAY_API_KEY"
    /// The merchant id the emulator requires when set (`x-merchantid`).
    public static let merchantIDVariable = "JUSPAY_MERCHANT_ID"
    /// The API key the emulator accepts when ``apiKeyVariable`` is unset.
    public static let demoAPIKey = "jp_demo_key"
}
