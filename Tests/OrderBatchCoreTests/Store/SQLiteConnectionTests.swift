import Foundation
import Testing

@testable import OrderBatchCore

@Suite struct SQLiteConnectionTests {
    let directory = StoreTestDirectory()

    private func open() throws -> SQLiteConnection {
        let db = try SQLiteConnection(path: directory.path("conn.sqlite"))
        try db.execute("CREATE TABLE IF NOT EXISTS t (a INTEGER, b TEXT, c REAL, d BLOB)")
        return db
    }

    private func count(_ db: SQLiteConnection) throws -> Int64 {
        try db.scalarInt("SELECT count(*) FROM t") ?? -1
    }

    @Test func bindsAndReadsEveryType() throws {
        let db = try open()
        defer { try? db.close() }
        let insert = try db.prepare("INSERT INTO t (a, b, c, d) VALUES (?1, ?2, ?3, ?4)")
        try insert.bind(Int64.max, at: 1)
        try insert.bind("héllo\u{0}world", at: 2)
        try insert.bind(2.5, at: 3)
        try insert.bind(blob: [0, 1, 255], at: 4)
        try insert.run()
        try insert.bind(nil as Int64?, at: 1)
        try insert.bind("", at: 2)
        try insert.bind(nil as Double?, at: 3)
        try insert.bind(blob: [], at: 4)
        try insert.run()

        let select = try db.prepare("SELECT a, b, c, d FROM t ORDER BY rowid")
        #expect(try select.step())
        #expect(select.int64(at: 0) == Int64.max)
        #expect(select.string(at: 1) == "héllo\u{0}world")
        #expect(select.double(at: 2) == 2.5)
        #expect(select.blob(at: 3) == [0, 1, 255])
        #expect(try select.step())
        #expect(select.isNull(at: 0))
        #expect(select.optionalInt(at: 0) == nil)
        #expect(select.string(at: 1) == "")  // an empty string stays a string, not NULL
        #expect(select.optionalDouble(at: 2) == nil)
        #expect(select.blob(at: 3) == [])
        #expect(try select.step() == false)
    }

    @Test func transactionRollsBackWhenTheBodyThrows() throws {
        struct Boom: Error {}
        let db = try open()
        defer { try? db.close() }
        #expect(throws: Boom.self) {
            try db.inTransaction(.immediate) {
                try db.execute("INSERT INTO t (a) VALUES (1); INSERT INTO t (a) VALUES (2)")
                #expect(!db.isAutocommit)
                throw Boom()
            }
        }
        #expect(db.isAutocommit)
        #expect(try count(db) == 0)
        let value = try db.inTransaction { () -> Int in
            try db.execute("INSERT INTO t (a) VALUES (3)")
            return 7
        }
        #expect(value == 7)
        #expect(try count(db) == 1)
    }

    @Test func errorsNameTheCodeMessageAndSQL() throws {
        let db = try open()
        defer { try? db.close() }
        do {
            try db.execute("INSERT INTO missing_table VALUES (1)")
            Issue.record("expected an error")
        } catch let error as SQLiteError {
            #expect(error.resultCode == 1)
            #expect(error.sql == "INSERT INTO missing_table VALUES (1)")
            #expect(
                error.description
                    == "sqlite error 1: no such table: missing_table - while executing `INSERT INTO missing_table VALUES (1)`"
            )
        }
        try db.execute("CREATE TABLE u (x INTEGER PRIMARY KEY)")
        try db.execute("INSERT INTO u VALUES (1)")
        let insert = try db.prepare("INSERT INTO u VALUES (?1)")
        try insert.bind(1, at: 1)
        do {
            try insert.run()
            Issue.record("expected a constraint error")
        } catch let error as SQLiteError {
            #expect(error.isConstraintViolation)
            #expect(error.extendedResultCode == 1555)  // SQLITE_CONSTRAINT_PRIMARYKEY
            #expect(error.sql == "INSERT INTO u VALUES (?1)")
        }
    }

    @Test func openingAMissingDirectoryFailsAndSaysWhere() throws {
        let path = directory.path("no/such/dir/x.sqlite")
        do {
            let db = try SQLiteConnection(path: path)
            try db.close()
            Issue.record("expected an error")
        } catch let error as SQLiteError {
            #expect(error.resultCode == 14)  // SQLITE_CANTOPEN
            #expect(error.description.contains(path))
            #expect(error.description.contains("writable"))
        }
    }

    @Test func closedConnectionRefusesWork() throws {
        let db = try open()
        try db.close()
        try db.close()  // idempotent
        #expect(throws: SQLiteError.self) { try db.execute("SELECT 1") }
    }

    @Test func cachedStatementsAreReusedAndReset() throws {
        let db = try open()
        defer { try? db.close() }
        let first = try db.cachedStatement("SELECT count(*) FROM t")
        let second = try db.cachedStatement("SELECT count(*) FROM t")
        #expect(first === second)
        #expect(try db.scalarInt("SELECT count(*) FROM t") == 0)
        try db.execute("INSERT INTO t (a) VALUES (1)")
        #expect(try db.scalarInt("SELECT count(*) FROM t") == 1)
    }
}
