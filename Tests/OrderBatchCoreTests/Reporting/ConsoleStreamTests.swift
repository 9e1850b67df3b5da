import Foundation
import OrderBatchCore
import Testing

/// A stream whose writes fail stops being written to, and nothing traps: the failures an operator meets at
/// night (a full disk, a reader that went away, a closed descriptor), on real descriptors.
@Suite struct ConsoleStreamTests {
    @Test func aFullDeviceLosesTheStreamWithENOSPC() throws {
        let fd = open("/dev/full", O_WRONLY)
        try #require(fd >= 0)
        defer { close(fd) }
        let stream = ConsoleStream(fileDescriptor: fd, name: "full")
        #expect(stream.failure == nil)
        #expect(!stream.write("one line\n"))
        #expect(stream.failure == ENOSPC)
        #expect(!stream.write("and the next is not even tried\n"))
        #expect(stream.failure == ENOSPC)
    }

    @Test func aPipeWhoseReaderWentAwayLosesTheStreamWithEPIPE() throws {
        signal(SIGPIPE, SIG_IGN)  // as the commands do at start
        var fds: [Int32] = [0, 0]
        try #require(pipe(&fds) == 0)
        defer { close(fds[1]) }
        let stream = ConsoleStream(fileDescriptor: fds[1], name: "pipe")
        #expect(stream.write("read\n"))
        var buffer = [UInt8](repeating: 0, count: 16)
        #expect(read(fds[0], &buffer, 16) == 5)
        close(fds[0])
        #expect(!stream.write("nobody reads this\n"))
        #expect(stream.failure == EPIPE)
    }

    @Test func aClosedDescriptorLosesTheStreamWithEBADF() throws {
        var fds: [Int32] = [0, 0]
        try #require(pipe(&fds) == 0)
        close(fds[0])
        close(fds[1])
        let stream = ConsoleStream(fileDescriptor: fds[1], name: "closed")
        #expect(!stream.write("x\n"))
        #expect(stream.failure == EBADF)
    }

    @Test func aWorkingFileGetsEveryByte() throws {
        try withTemporaryDirectory { directory in
            let path = directory + "/out.txt"
            let fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
            try #require(fd >= 0)
            let stream = ConsoleStream(fileDescriptor: fd, name: "file")
            let long = String(repeating: "x", count: 200_000) + "\n"
            #expect(stream.write("first\n") && stream.write(long))
            close(fd)
            #expect(try contents(path) == "first\n" + long)
            #expect(stream.failure == nil)
        }
    }

    @Test func standardStreamsAreSharedByDescriptor() {
        #expect(ConsoleStream.on(STDERR_FILENO) === ConsoleStream.standardError)
        #expect(ConsoleStream.on(STDOUT_FILENO) === ConsoleStream.standardOutput)
        #expect(ConsoleStream.on(42) !== ConsoleStream.on(42))
    }
}
