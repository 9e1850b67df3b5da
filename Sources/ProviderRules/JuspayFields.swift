/// The Juspay Update Order field names (FACTS.md §1.2).
public enum JuspayFields {
    /// The eleven address suffixes shared by billing and shipping addresses.
    public static let addressSuffixes = [
        "first_name", "last_name", "line1", "line2", "line3", "city", "state",
        "country", "postal_code", "phone", "country_code_iso",
    ]
    /// The 22 `billing_address_*` and `shipping_address_*` names.
    public static let addressFields: [String] =
        addressSuffixes.map { "billing_address_" + $0 } + addressSuffixes.map { "shipping_address_" + $0 }
    /// `udf1` … `udf10`.
    public static let udfFields: [String] = (1...10).map { "udf\($0)" }
    /// Every field Update Order may change.
    public static let updatable: Set<String> = Set(["amount"] + addressFields + udfFields)
}
