import NIOCore
import NIOHTTP1

/// Writes one padded answer (``EmulatorPadding``): the bytes before the filler, the filler in
/// chunks of ``chunkSize`` (each written only once the previous one reached the socket), then the
/// rest, then the end of the response.
///
/// One chunk in flight per connection, and every chunk a slice of one shared buffer, so a 100 MB
/// answer costs the emulator ``chunkSize`` bytes, not 100 MB, and a client that stops reading stops
/// the writing (the socket stays full). If a write fails (the client closed or reset the
/// connection), the connection is closed and nothing more is written.
///
/// Lives on the connection's event loop; not Sendable.
final class PaddedBodyWriter {
    /// The filler written per step.
    static let chunkSize = 64 << 10

    /// `chunkSize` bytes of `x` and of spaces, allocated once and sliced by every writer.
    private static let xFiller = filler(UInt8(ascii: "x"))
    private static let spaceFiller = filler(UInt8(ascii: " "))

    private static func filler(_ byte: UInt8) -> ByteBuffer {
        var buffer = ByteBufferAllocator().buffer(capacity: chunkSize)
        buffer.writeRepeatingByte(byte, count: chunkSize)
        return buffer
    }

    private let response: EmulatorResponse
    private let padding: EmulatorPadding
    private let router: EmulatorRouter
    private let context: ChannelHandlerContext
    private let end: (ChannelHandlerContext) -> Void
    private var fillerLeft: Int

    init(
        response: EmulatorResponse, padding: EmulatorPadding, router: EmulatorRouter,
        context: ChannelHandlerContext, end: @escaping (ChannelHandlerContext) -> Void
    ) {
        self.response = response
        self.padding = padding
        self.router = router
        self.context = context
        self.end = end
        self.fillerLeft = padding.fillerCount
    }

    /// Writes the bytes before the filler and starts the chunks.
    func start() {
        writeBytes(response.body[..<padding.offset])
        next()
    }

    private func next() {
        guard fillerLeft > 0 else {
            writeBytes(response.body[padding.offset...])
            end(context)
            return
        }
        let count = min(fillerLeft, Self.chunkSize)
        fillerLeft -= count
        let filler = padding.filler == UInt8(ascii: "x") ? Self.xFiller : Self.spaceFiller
        let chunk = filler.getSlice(at: filler.readerIndex, length: count) ?? filler
        let part = HTTPServerResponsePart.body(.byteBuffer(chunk))
        context.writeAndFlush(NIOAny(part)).assumeIsolated().whenComplete { result in
            switch result {
            case .success:
                self.router.state.withLock { $0.stats.paddingBytesSent += count }
                self.next()
            case .failure:
                self.context.close(promise: nil)
            }
        }
    }

    private func writeBytes(_ bytes: ArraySlice<UInt8>) {
        guard !bytes.isEmpty else { return }
        var buffer = context.channel.allocator.buffer(capacity: bytes.count)
        buffer.writeBytes(bytes)
        context.write(NIOAny(HTTPServerResponsePart.body(.byteBuffer(buffer))), promise: nil)
    }
}
