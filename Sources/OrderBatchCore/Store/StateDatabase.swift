import Foundation

/// Opens the state database that `--db` or a job's `state:` names: a SQLite file (the default), or a
/// PostgreSQL database (`postgresql://USER@HOST:PORT/DATABASE`) that workers on several hosts share.
///
/// Every command opens its store here, so that both kinds behave alike and fail with the same exit codes:
/// 64 for a URL holding a password, a refused login, a missing file or database; 74 for a damaged SQLite
/// file; and, for the commands that send (`run`, `resume`, `retry`, `work`), 3 when the PostgreSQL server does
/// not answer (nothing was recorded or sent: run the same command again once it does).
///
/// ```swift
/// let store = try StateDatabase.open(job.state, purpose: .send)
/// ```
public enum StateDatabase {
    /// What the command does with the database.
    public enum Purpose: Sendable {
        /// `run`: creates the SQLite file (and its folder) or the PostgreSQL tables when missing.
        case create
        /// `resume`, `retry`, `work`: the database must exist; an unreachable server is exit 3.
        case send
        /// `status`, `report`, `cancel`: the database must exist and hold orderbatch's tables.
        case read
    }

    /// Whether `location` names a PostgreSQL database rather than a SQLite file.
    public static func isPostgres(_ location: String) -> Bool { PostgresURL.isPostgres(location) }

    /// Opens the state database at `location`.
    ///
    /// - Parameters:
    ///   - location: A SQLite file's path, or a `postgresql://` URL.
    ///   - purpose: Whether a missing database is created, and what an unreachable server means.
    /// - Returns: The open store.
    /// - Throws: ``RunError`` saying what is wrong and what to do (64, 74, or 3 as above).
    public static func open(_ location: String, purpose: Purpose) throws(RunError) -> any RunStore {
        if isPostgres(location) { return try openPostgres(location, purpose: purpose) }
        return try openSQLite(location, purpose: purpose)
    }

    private static func openSQLite(_ path: String, purpose: Purpose) throws(RunError) -> any RunStore {
        if purpose == .create {
            let dir = (path as NSString).deletingLastPathComponent
            if !dir.isEmpty { try? FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true) }
        } else {
            var isDirectory: ObjCBool = false
            guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory), !isDirectory.boolValue
            else {
                throw .usage(
                    "orderbatch: \(path): no such state database; check --db or the job's `state:` "
                        + "(it is created by `orderbatch run`)")
            }
        }
        do {
            return try SQLiteRunStore(path: path)
        } catch let error as SQLiteError where error.isCorruption {
            throw .stateLost("orderbatch: \(RunStoreError.damaged(path: path, problems: [error.description]))")
        } catch {
            throw .usage("orderbatch: cannot open the state database \(path): \(error)")
        }
    }

    private static func openPostgres(_ location: String, purpose: Purpose) throws(RunError) -> any RunStore {
        let url: PostgresURL
        do {
            url = try PostgresURL(location)
        } catch {
            throw .usage("orderbatch: \(error)")
        }
        do {
            return try PostgresRunStore(url: url, createTables: purpose == .create)
        } catch let error as PostgresError where error.isConnectionFailure && purpose != .read {
            throw .stoppedEarly(
                "orderbatch: cannot reach the state database: \(error); nothing was recorded or sent. "
                    + "Run the same command again once the server answers")
        } catch {
            throw .usage("orderbatch: cannot open the state database \(url.display): \(error)")
        }
    }
}

extension StateDatabase.Purpose: Equatable {}
