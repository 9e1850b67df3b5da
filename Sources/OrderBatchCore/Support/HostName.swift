#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Facts about a host as written in a URL or on the command line.
public enum HostName {
    /// Whether `host` names this machine only: `localhost`, an IPv4 address in `127.0.0.0/8`, or
    /// the IPv6 loopback `::1` in any spelling (`0:0:0:0:0:0:0:1`), with or without brackets.
    ///
    /// Addresses are parsed as the system does (`inet_pton`), never matched as text, so nothing
    /// else passes: `127.0.0.1.example.com`, `0x7f.0.0.1`, `127.1`, `::ffff:127.0.0.1` and leading
    /// zeros are not loopback. Used wherever plain http or an exposed debug server must stay on
    /// this machine: an `http://` endpoint, the emulator's `--host`.
    public static func isLoopback(_ host: String) -> Bool {
        let bare = host.hasPrefix("[") && host.hasSuffix("]") ? String(host.dropFirst().dropLast()) : host
        if bare.lowercased() == "localhost" { return true }
        var v4 = in_addr()
        if inet_pton(AF_INET, bare, &v4) == 1 { return UInt32(bigEndian: v4.s_addr) >> 24 == 127 }
        var v6 = in6_addr()
        if inet_pton(AF_INET6, bare, &v6) == 1 {
            return withUnsafeBytes(of: &v6) { bytes in bytes.prefix(15).allSatisfy { $0 == 0 } && bytes[15] == 1 }
        }
        return false
    }
}
