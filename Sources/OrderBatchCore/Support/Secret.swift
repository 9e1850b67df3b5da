/// A credential. Its text is reachable only through ``reveal()``; every way of printing it
/// (interpolation, `print`, `dump`, `debugPrint`) shows a mask instead, so a secret cannot
/// reach a log, an error, a report or the database by accident.
public struct Secret: Sendable, Equatable, CustomStringConvertible, CustomDebugStringConvertible,
    CustomReflectable
{
    private let value: String

    public init(_ value: String) { self.value = value }

    /// The credential itself, for the one place that puts it on the wire.
    public func reveal() -> String { value }

    public var isEmpty: Bool { value.isEmpty }
    public var description: String { "***" }
    public var debugDescription: String { "Secret(***)" }
    public var customMirror: Mirror { Mirror(self, children: []) }
}
