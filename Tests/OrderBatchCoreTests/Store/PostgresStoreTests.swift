import Foundation
import OrderBatchTestSupport
import Testing

@testable import OrderBatchCore

/// What only the PostgreSQL store has: its URL checks, its errors, claims stamped with the worker, and time
/// taken from the server.
@Suite struct PostgresStoreTests {
    let directory = StoreTestDirectory()

    @Test func aURLWithAPasswordIsRefusedWithoutShowingIt() {
        for url in [
            "postgresql://ob:s3cret@db1:5432/orderbatch", "postgres://ob:s3cret@db1/orderbatch?sslmode=require",
            "postgresql://ob@db1/orderbatch?password=s3cret",
            "postgresql://ob@db1/orderbatch?sslmode=verify-full&sslpassword=s3cret",
        ] {
            do {
                _ = try PostgresURL(url)
                Issue.record("expected \(url) to be refused")
            } catch {
                #expect(!error.description.contains("s3cret"), "\(error)")
                #expect(error.description.contains("***"))
                #expect(error.description.contains("PGPASSWORD"))
            }
        }
        #expect(throws: PostgresURL.Refusal.self) { _ = try PostgresURL("postgresql://ob@db1/x y") }
        #expect(throws: PostgresURL.Refusal.self) { _ = try PostgresURL("state/x.sqlite") }
        #expect((try? PostgresURL("postgresql://ob@db1:5432/orderbatch?sslmode=require"))?.text != nil)
        #expect(PostgresURL.isPostgres("postgres://db1/x") && !PostgresURL.isPostgres("x.sqlite"))
    }

    @Test func aServerThatDoesNotAnswerIsAConnectionFailureThatSaysWhatToDo() throws {
        // Port 1 on loopback: nothing listens there.
        do {
            _ = try PostgresRunStore(url: try PostgresURL("postgresql://ob@127.0.0.1:1/orderbatch"))
            Issue.record("expected the connection to fail")
        } catch let error as PostgresError {
            #expect(error.isConnectionFailure)
            #expect(error.sqlState == nil)
            #expect(error.description.contains("connecting to postgresql://ob@127.0.0.1:1/orderbatch"))
            #expect(error.description.contains("check that the PostgreSQL server is running"))
        }
    }

    @Test func aMissingDatabaseIsNamedInTheError() throws {
        let base = try TestPostgres.serverURL()
        let missing = base.replacingOccurrences(of: "/postgres", with: "/no_such_database")
        do {
            _ = try PostgresRunStore(url: try PostgresURL(missing))
            Issue.record("expected the connection to fail")
        } catch let error as PostgresError {
            // libpq reports a refused startup without a result, so the message carries what the server said.
            #expect(error.description.contains("no_such_database"))
        }
    }

    @Test func serverErrorsCarrySQLStateAndNameTheStatement() throws {
        let db = try TestDatabase(.postgres, in: directory)
        let store = try #require(try db.open() as? PostgresRunStore)
        defer { try? store.close() }
        do {
            try store.withConnection { _ = try $0.query("SELECT * FROM no_such_table WHERE a = $1", ["x"]) }
            Issue.record("expected an error")
        } catch let error as PostgresError {
            #expect(error.sqlState == "42P01")
            #expect(error.description.hasPrefix("postgresql error 42P01: relation \"no_such_table\" does not exist"))
            #expect(error.description.contains("while executing `SELECT * FROM no_such_table WHERE a = $1`"))
        }
        try store.createRun(StoreFixtures.newRun(id: "dup"))
        #expect(throws: RunStoreError.duplicateRun("dup")) { try store.createRun(StoreFixtures.newRun(id: "dup")) }
    }

    @Test func claimsCarryTheClaimersTokenAndTheServersTime() throws {
        let db = try TestDatabase(.postgres, in: directory)
        let store = try #require(try db.open() as? PostgresRunStore)
        defer { try? store.close() }
        try store.createRun(StoreFixtures.newRun(id: "r"))
        try store.insertItems(runID: "r", StoreFixtures.items(1...4))
        let owner = LeaseOwner(pid: 42, host: "worker-a", token: "token-a")
        _ = try store.acquireLease(jobName: "reprice", runID: "r", owner: owner, ttlSeconds: 30)
        _ = try store.claimPending(runID: "r", limit: 2, afterSeq: 0, fence: owner)
        let rows = try store.withConnection {
            try $0.query(
                """
                SELECT seq, claimed_by, abs(extract(epoch FROM claimed_at - now())) < 60 FROM items
                WHERE run_id = 'r' ORDER BY seq
                """)
        }
        #expect((0..<4).map { rows.string($0, 1) } == ["token-a", "token-a", nil, nil])
        #expect(rows.bool(0, 2) == true)
    }
}
