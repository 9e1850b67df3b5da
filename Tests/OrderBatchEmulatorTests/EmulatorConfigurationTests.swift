import Foundation
import Testing

@testable import OrderBatchEmulator

@Suite struct EmulatorConfigurationTests {
    @Test func credentialsFromEnvironment() {
        let demo = EmulatorCredentials.fromEnvironment([:])
        #expect(demo.juspayAPIKey == "jp_demo_key")
        #expect(demo.rapydAccessKey == "rak_demo_access")
        #expect(demo.rapydSecretKey == "rsk_demo_secret")
        #expect(demo.juspayMerchantID == nil)
        let set = EmulatorCredentials.fromEnvironment([
            "JUSPAY_API_KEY": "k", "RAPYD_ACCESS_KEY": "a", "RAPYD_SECRET_KEY": "s", "JUSPAY_MERCHANT_ID": "m",
        ])
        #expect(
            [set.juspayAPIKey, set.rapydAccessKey, set.rapydSecretKey, set.juspayMerchantID] == ["k", "a", "s", "m"])
    }
}
