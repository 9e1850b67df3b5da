#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// What the process does with its standard streams before any command runs, so that output can never
/// stop it (a full log disk, `2>&-`, `| head -1`, a log shipper restarting, an ssh session dropped).
enum StandardStreams {
    /// Ignores `SIGPIPE` (a write to a pipe whose reader went away then fails with `EPIPE`, which
    /// ``ConsoleStream`` turns into "stop writing there", instead of killing the process with 141), and
    /// points standard input, output and error at `/dev/null` where they were closed (`2>&-`): otherwise the
    /// next file or socket opened (the state database, a connection to the provider) would take descriptor 2
    /// and receive the progress lines. Ignores `SIGXFSZ` too: a file-size limit (`ulimit -f`) on the state
    /// database then fails the write (`EFBIG`, an I/O error the run stops on, resumable) instead of killing
    /// the process mid-run.
    static func prepare() {
        signal(SIGPIPE, SIG_IGN)
        signal(SIGXFSZ, SIG_IGN)
        for fd in [STDIN_FILENO, STDOUT_FILENO, STDERR_FILENO] where fcntl(fd, F_GETFD) == -1 && errno == EBADF {
            let null = open("/dev/null", fd == STDIN_FILENO ? O_RDONLY : O_WRONLY)
            if null >= 0 && null != fd {
                _ = dup2(null, fd)
                _ = close(null)
            }
        }
    }
}
