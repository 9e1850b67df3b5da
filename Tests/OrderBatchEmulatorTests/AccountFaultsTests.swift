import Foundation
import Testing

@testable import OrderBatchEmulator

/// Revoked credentials and garbled answers, set at start and switched at run time, against a
/// real emulator over loopback HTTP (the `curl` binary).
@Suite struct AccountFaultsTests {
    @Test func revocationTakesEffectAfterNAppliedUpdatesAndRestoreUndoesIt() async throws {
        try await withEmulator({ $0.revokeCredentialsAfterUpdates = 2 }) { server in
            var statuses: [Int] = []
            for index in 1...3 {
                let result = try await http(
                    "POST", server.baseURL + "/orders/R\(index)", headers: juspayHeaders(), body: "amount=5")
                statuses.append(result.status)
            }
            #expect(statuses == [200, 200, 401])
            let read = try await http("GET", server.baseURL + "/orders/R1", headers: juspayHeaders(form: false))
            #expect(read.status == 401)
            #expect(read.json["error_code"] as? String == "access_denied")
            #expect(juspayErrorCode(read) == "UNAUTHORIZED")
            var stats = server.stats()
            #expect(stats.appliedTotal == 2)
            #expect(stats.revokedRefusals == 2)
            #expect(stats.rejectedAuth == 0)

            let restore = try await http("POST", server.baseURL + "/__emulator/credentials/restore")
            #expect(restore.json["credentials"] as? String == "valid")
            let after = try await http(
                "POST", server.baseURL + "/orders/R3", headers: juspayHeaders(), body: "amount=5")
            #expect(after.status == 200)
            stats = server.stats()
            #expect(stats.appliedTotal == 3)
        }
    }

    @Test func rapydRefusesRevokedCredentialsAsAnUnauthenticatedCall() async throws {
        try await withEmulator({ $0.rateLimits = false }) { server in
            #expect(try await rapyd(server, "GET", "/v1/orders/order_r1").status == 200)
            let revoke = try await http("POST", server.baseURL + "/__emulator/credentials/revoke")
            #expect(revoke.json["credentials"] as? String == "revoked")
            let read = try await rapyd(server, "GET", "/v1/orders/order_r1")
            #expect(read.status == 401)
            #expect(rapydErrorCode(read) == "UNAUTHENTICATED_API_CALL")
            let update = try await rapyd(server, "POST", "/v1/orders/order_r1", body: #"{"coupon":"c"}"#)
            #expect(update.status == 401)
            #expect(server.stats().appliedTotal == 0)

            // Armed at run time: one more update goes through, then 401 again.
            _ = try await http("POST", server.baseURL + "/__emulator/credentials/restore")
            let armed = try await http("POST", server.baseURL + "/__emulator/credentials/revoke?after=1")
            #expect(armed.json["revoke_after_updates"] as? Int == 1)
            #expect(try await rapyd(server, "POST", "/v1/orders/order_r1", body: #"{"coupon":"c"}"#).status == 200)
            #expect(try await rapyd(server, "GET", "/v1/orders/order_r1").status == 401)
            #expect(server.stats().revokedRefusals == 3)
            #expect(try await http("POST", server.baseURL + "/__emulator/credentials/revoke?after=x").status == 400)
        }
    }

    @Test func revokeAfterNLetsExactlyNUpdatesThroughUnderConcurrency() async throws {
        try await withEmulator({ $0.revokeCredentialsAfterUpdates = 4 }) { server in
            let statuses = try await withThrowingTaskGroup(of: Int.self) { group in
                for index in 0..<12 {
                    group.addTask {
                        try await http(
                            "POST", server.baseURL + "/orders/C\(index)", headers: juspayHeaders(), body: "amount=5"
                        ).status
                    }
                }
                return try await group.reduce(into: [Int]()) { $0.append($1) }
            }
            #expect(statuses.filter { $0 == 200 }.count == 4)
            #expect(statuses.filter { $0 == 401 }.count == 8)
            #expect(server.stats().appliedTotal == 4)
        }
    }

    @Test func garbledUpdatesAreAppliedAndAnsweredUnreadably() async throws {
        try await withEmulator({ $0.garble = .updates }) { server in
            let update = try await http(
                "POST", server.baseURL + "/orders/G1", headers: juspayHeaders(), body: "amount=42.50")
            #expect(update.status == 200)
            #expect(update.header("Content-Type") == "application/json")
            #expect((try? JSONSerialization.jsonObject(with: Data(update.body))) == nil, "\(update.bodyText)")
            let order = try await http("GET", server.baseURL + "/__emulator/orders/juspay/G1")
            #expect(order.json["amount"] as? Double == 42.5)
            // Reads are untouched, and refusals are never garbled.
            let read = try await http("GET", server.baseURL + "/orders/G1", headers: juspayHeaders(form: false))
            #expect(read.json["order_id"] as? String == "G1")
            let refused = try await http(
                "POST", server.baseURL + "/orders/G1", headers: juspayHeaders(), body: "colour=red")
            #expect(refused.status == 400 && refused.json["error_code"] as? String == "INVALID_REQUEST")
            #expect(server.stats().garbledUpdates == 1 && server.stats().garbledReads == 0)

            let switched = try await http("POST", server.baseURL + "/__emulator/garble/reads")
            #expect(switched.json["garble"] as? String == "reads")
            let garbledRead = try await http("GET", server.baseURL + "/orders/G1", headers: juspayHeaders(form: false))
            #expect(garbledRead.status == 200)
            #expect((try? JSONSerialization.jsonObject(with: Data(garbledRead.body))) == nil)
            let clean = try await http(
                "POST", server.baseURL + "/orders/G2", headers: juspayHeaders(), body: "amount=1")
            #expect(clean.json["order_id"] as? String == "G2")
            #expect(server.stats().garbledReads == 1 && server.stats().appliedTotal == 2)
            #expect(try await http("POST", server.baseURL + "/__emulator/garble/all").status == 400)
        }
    }
}
