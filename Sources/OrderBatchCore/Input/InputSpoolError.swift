/// Why standard input (or a pipe) could not be spooled; each message says what to do. Nothing was kept.
public enum InputSpoolError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The spool directory could not be created or written in.
    case cannotCreate(directory: String, errno: Int32)
    /// The file system of the spool directory has no unnamed temporary files (`O_TMPFILE`).
    case noUnnamedFiles(directory: String)
    /// Reading the source failed.
    case cannotRead(source: String, errno: Int32)
    /// Writing the copy failed (a full disk, say).
    case cannotWrite(directory: String, errno: Int32)
    /// The complete copy could not be given its name.
    case cannotName(path: String, errno: Int32)

    public var description: String {
        switch self {
        case .cannotCreate(let directory, let code):
            return "cannot spool the input in \(directory): \(ErrnoText.describe(code)); check that folder"
        case .noUnnamedFiles(let directory):
            return "cannot spool the input in \(directory): its file system has no unnamed temporary files "
                + "(O_TMPFILE); write the input to a file and pass --input FILE"
        case .cannotRead(let source, let code):
            return "cannot read \(source == "-" ? "standard input" : source): \(ErrnoText.describe(code))"
        case .cannotWrite(let directory, let code):
            return "cannot spool the input in \(directory): \(ErrnoText.describe(code)); nothing was kept"
        case .cannotName(let path, let code):
            return "cannot keep the spooled input as \(path): \(ErrnoText.describe(code)); nothing was kept"
        }
    }
}
