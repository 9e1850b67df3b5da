import Foundation

/// A failure to start the emulator (bad orders file, bad configuration, bind failure).
public struct EmulatorError: Error, Equatable, CustomStringConvertible {
    /// What went wrong, one line.
    public var message: String
    /// When the listening socket could not be bound: the `errno` (`EADDRINUSE`, `EACCES`, `EADDRNOTAVAIL`…),
    /// so that the command can say which flag to change; nil for every other error.
    public var bindErrno: Int32?

    init(_ message: String, bindErrno: Int32? = nil) {
        self.message = message
        self.bindErrno = bindErrno
    }

    /// Binding `host:port` failed with `code`: said in words, never as the socket call's name.
    static func cannotListen(host: String, port: Int, errno code: Int32) -> EmulatorError {
        let message: String
        switch code {
        case EADDRINUSE: message = "port \(port) on \(host) is already in use by another process"
        case EACCES: message = "may not listen on port \(port) on \(host): ports below 1024 need privileges"
        case EADDRNOTAVAIL: message = "\(host) is not an address of this machine"
        default: message = "cannot listen on \(host):\(port): \(String(cString: strerror(code)))"
        }
        return EmulatorError(message, bindErrno: code)
    }

    public var description: String { "emulator: " + message }
}
