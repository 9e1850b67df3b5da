import NIOCore
import NIOHTTP1

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// One connection's HTTP/1.1 handler: gathers a request, asks the ``EmulatorRouter`` what to do, and
/// does it on the connection's event loop.
///
/// Sits after NIO's server pipeline (`configureHTTPServerPipeline`), whose `HTTPServerPipelineHandler`
/// holds back pipelined requests until the current response ends, so a delayed or hung response
/// also delays the requests queued behind it on that connection, as on a real server.
final class EmulatorHTTPHandler: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPServerRequestPart
    typealias OutboundOut = HTTPServerResponsePart

    /// Larger bodies get 413; no provider request comes near it.
    static let maximumBodySize = 1 << 20

    private let router: EmulatorRouter
    private var head: HTTPRequestHead?
    private var body: [UInt8] = []
    private var bodyTooLarge = false

    init(router: EmulatorRouter) {
        self.router = router
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch unwrapInboundIn(data) {
        case .head(let head):
            self.head = head
            body = []
            bodyTooLarge = false
        case .body(let buffer):
            if body.count + buffer.readableBytes > Self.maximumBodySize {
                bodyTooLarge = true
            } else {
                body += buffer.readableBytesView
            }
        case .end:
            guard let head else { return }
            self.head = nil
            let action: EmulatorAction
            if bodyTooLarge {
                action = .respond(.json(413, .object([("error", .string("request body too large"))])))
            } else {
                let request = EmulatorRequest(
                    method: head.method.rawValue, uri: head.uri,
                    headers: head.headers.map { (name: $0.name, value: $0.value) }, body: body)
                action = router.handle(request)
            }
            body = []
            perform(action, for: head, context: context)
        }
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        context.close(promise: nil)
    }

    // MARK: - Actions

    private func perform(_ action: EmulatorAction, for head: HTTPRequestHead, context: ChannelHandlerContext) {
        switch action {
        case .respond(let response, let delay, let completion):
            after(delay, context: context) { context in
                self.write(response, for: head, context: context)
                completion?()
            }
        case .close(let delay, let reset):
            after(delay, context: context) { context in
                if reset, let provider = context.channel as? any SocketOptionProvider {
                    // SO_LINGER 0 makes close() send a TCP RST instead of a FIN.
                    provider.setSoLinger(linger(l_onoff: 1, l_linger: 0)).assumeIsolated().whenComplete { _ in
                        context.close(promise: nil)
                    }
                } else {
                    context.close(promise: nil)
                }
            }
        case .hang:
            break
        }
    }

    /// Runs `body` now, or after `milliseconds` on the event loop (never blocking a thread).
    ///
    /// A delayed `body` runs even if the connection closed meanwhile, so completions always run.
    private func after(
        _ milliseconds: Double, context: ChannelHandlerContext, _ body: @escaping (ChannelHandlerContext) -> Void
    ) {
        guard milliseconds > 0 else { return body(context) }
        context.eventLoop.assumeIsolated().scheduleTask(in: .nanoseconds(Int64(milliseconds * 1_000_000))) {
            body(context)
        }
    }

    private func write(_ response: EmulatorResponse, for head: HTTPRequestHead, context: ChannelHandlerContext) {
        let keepAlive = head.isKeepAlive
        var headers = HTTPHeaders()
        let hasBody = response.status != 204 && response.status != 304
        if hasBody {
            headers.add(name: "Content-Type", value: "application/json")
            // Without Content-Length NIO frames an HTTP/1.1 body with `Transfer-Encoding: chunked`.
            if response.padding?.chunked != true {
                headers.add(name: "Content-Length", value: String(response.bodyLength))
            }
        }
        for header in response.headers { headers.add(name: header.name, value: header.value) }
        if !keepAlive { headers.add(name: "Connection", value: "close") }
        let responseHead = HTTPResponseHead(
            version: head.version, status: HTTPResponseStatus(statusCode: response.status), headers: headers)
        context.write(wrapOutboundOut(.head(responseHead)), promise: nil)
        let end: (ChannelHandlerContext) -> Void = { context in
            let written = context.writeAndFlush(self.wrapOutboundOut(.end(nil)))
            if !keepAlive {
                written.assumeIsolated().whenComplete { _ in context.close(promise: nil) }
            }
        }
        if hasBody, let padding = response.padding {
            PaddedBodyWriter(response: response, padding: padding, router: router, context: context, end: end).start()
            return
        }
        if hasBody, !response.body.isEmpty {
            var buffer = context.channel.allocator.buffer(capacity: response.body.count)
            buffer.writeBytes(response.body)
            context.write(wrapOutboundOut(.body(.byteBuffer(buffer))), promise: nil)
        }
        end(context)
    }
}
