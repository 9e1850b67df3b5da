import Testing

@testable import OrderBatchEmulator

/// The emulator's byte-level header helpers and the amount rules written over them.
@Suite struct HeaderTextTests {
    @Test func caseInsensitiveComparisonIsASCIIOnlyAndExact() {
        #expect(HTTPText.equalsIgnoringCase("Content-Type", "content-type"))
        #expect(HTTPText.equalsIgnoringCase("BASIC", "basic"))
        #expect(!HTTPText.equalsIgnoringCase("basics", "basic"))
        #expect(!HTTPText.equalsIgnoringCase("basi", "basic"))
        #expect(!HTTPText.equalsIgnoringCase("bäsic", "basic"))
        #expect(HTTPText.equalsIgnoringCase("", ""))
    }

    @Test func trimmingRemovesSpacesAndTabsOnly() {
        #expect(HTTPText.trimmed(" \t a b \t") == "a b")
        #expect(HTTPText.trimmed("   ") == "")
        #expect(HTTPText.trimmed("\na\n") == "\na\n")
    }

    @Test func mediaTypesIgnoreParametersCaseAndSpaces() {
        #expect(HTTPText.isMediaType("Application/JSON; charset=utf-8", "application/json"))
        #expect(HTTPText.isMediaType(" application/json ", "application/json"))
        #expect(!HTTPText.isMediaType("application/jsonx", "application/json"))
        #expect(!HTTPText.isMediaType(nil, "application/json"))
        #expect(JuspayRoutes.isFormContentType("application/x-www-form-urlencoded;charset=UTF-8"))
        #expect(!JuspayRoutes.isFormContentType("multipart/form-data"))
    }

    @Test func basicCredentialsNeedAnEmptyPassword() {
        #expect(JuspayRoutes.basicAuthUser("Basic anBfZGVtb19rZXk6") == "jp_demo_key")  // "jp_demo_key:"
        #expect(JuspayRoutes.basicAuthUser("basic  anBfZGVtb19rZXk6 ") == "jp_demo_key")
        #expect(JuspayRoutes.basicAuthUser("Basic anBfZGVtb19rZXk6eA==") == nil)  // "jp_demo_key:x"
        #expect(JuspayRoutes.basicAuthUser("Bearer anBfZGVtb19rZXk6") == nil)
        #expect(JuspayRoutes.basicAuthUser(nil) == nil)
    }

    @Test(arguments: [
        ("90", "90"), ("090.50", "90.5"), ("1.00", "1"), ("0.05", "0.05"), ("100.1", "100.1"), ("0", "0"),
    ])
    func amountsAreNormalisedToJSONNumberText(_ text: String, _ normalised: String) {
        #expect(JuspayOrder.normalizedAmount(text) == normalised)
    }

    @Test func onlyPositiveAmountsWithAtMostTwoDecimalsAreValid() {
        for valid in ["1", "0.01", "090.50", "12345678.99"] { #expect(JuspayOrder.isValidAmount(valid), "\(valid)") }
        for invalid in ["0", "0.00", "", ".5", "5.", "1.234", "-1", "1e3", "1,5", " 1", "١"] {
            #expect(!JuspayOrder.isValidAmount(invalid), "\(invalid)")
        }
    }
}
