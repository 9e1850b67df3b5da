import Foundation

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Who holds (or wants) a lease: a process on a host, plus a token unique to this acquisition so that two
/// stores in one process (tests) or a recycled pid are never mistaken for the owner.
public struct LeaseOwner: Sendable, Equatable {
    public var pid: Int32
    public var host: String
    /// Random per owner value; only the owner with this token can renew or release.
    public var token: String

    public init(pid: Int32, host: String, token: String) {
        self.pid = pid
        self.host = host
        self.token = token
    }

    /// This process on this host, with a fresh token.
    public static func current() -> LeaseOwner {
        LeaseOwner(pid: getpid(), host: currentHost(), token: UUID().uuidString.lowercased())
    }

    /// This machine's host name (`gethostname`), or `localhost` when it cannot be read.
    public static func currentHost() -> String {
        var buffer = [CChar](repeating: 0, count: 256)
        guard gethostname(&buffer, buffer.count - 1) == 0 else { return "localhost" }
        let bytes = buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }
        return String(decoding: bytes, as: UTF8.self)
    }

    /// True when `pid` names no process on this host (`kill(pid, 0)` fails with `ESRCH`).
    ///
    /// `EPERM` (a process of another user) counts as alive. A pid recycled by an unrelated process also counts
    /// as alive; such a lease is taken over once its heartbeat expires.
    public static func isDead(pid: Int32) -> Bool {
        guard pid > 0 else { return true }
        return kill(pid, 0) == -1 && errno == ESRCH
    }
}
