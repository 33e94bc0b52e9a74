#if canImport(Glibc)
import Glibc
#endif
import NIOCore
import NIOHTTP1
import Storage

/// Writes the file a response names (through ``FileRegionHandoff``) as a `FileRegion`,
/// which NIO sends with `sendfile(2)`. It sits between NIO's HTTP/1 encoder and
/// Hummingbird's codec, where a body part may be a file region; responses that name no
/// file pass through untouched.
final class FileRegionSender: ChannelOutboundHandler, RemovableChannelHandler {
    typealias OutboundIn = HTTPServerResponsePart
    typealias OutboundOut = HTTPServerResponsePart

    private let handoff: FileRegionHandoff
    /// The file of the response whose head went out, sent just before its end.
    private var pending: FileRegionHandoff.Region?

    init(handoff: FileRegionHandoff) {
        self.handoff = handoff
    }

    func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        switch unwrapOutboundIn(data) {
        case .head(var head) where head.headers.contains(name: FileRegionHandoff.fieldName):
            let name = head.headers.first(name: FileRegionHandoff.fieldName) ?? ""
            head.headers.remove(name: FileRegionHandoff.fieldName)
            guard let region = handoff.take(name) else {
                // The head promises bytes this connection cannot send: end it instead.
                promise?.fail(ChannelError.ioOnClosedChannel)
                context.close(promise: nil)
                return
            }
            pending = region
            // Held back until the file is written: the head then leaves in the file's first
            // full segment instead of a packet of its own (nginx's `tcp_nopush`). Measured on
            // 1 MiB ranges, that packet cost nginx itself a sixth of its rate.
            Self.setCork(true, on: context.channel)
            context.write(wrapOutboundOut(.head(head)), promise: promise)
        case .end where pending != nil:
            let region = pending!
            pending = nil
            sendFile(region, context: context)
            context.write(data, promise: promise)
        default:
            context.write(data, promise: promise)
        }
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        pending = nil
    }

    private func sendFile(_ region: FileRegionHandoff.Region, context: ChannelHandlerContext) {
        // The handle borrows the descriptor: `OpenBlobFile` closes it once released, which
        // the write's completion below waits for.
        let handle = NIOFileHandle(_deprecatedTakingOwnershipOfDescriptor: region.file.descriptor)
        let fileRegion = FileRegion(fileHandle: handle, readerIndex: Int(region.range.lowerBound), endIndex: Int(region.range.upperBound))
        let written = context.eventLoop.makePromise(of: Void.self)
        let channel = context.channel
        written.futureResult.whenComplete { [handoff] result in
            _ = try? handle.takeDescriptorOwnership()
            withExtendedLifetime(region.file) {}
            if case .success = result { handoff.noteSent() }
            Self.setCork(false, on: channel)
        }
        context.write(wrapOutboundOut(.body(.fileRegion(fileRegion))), promise: written)
    }

    /// Corks or uncorks the connection's socket (`TCP_CORK`): while corked, the kernel
    /// sends only full segments; uncorking sends what is left. Advisory: a socket that
    /// refuses it (not TCP) is sent as before.
    private static func setCork(_ corked: Bool, on channel: any Channel) {
        #if os(Linux)
        let option = ChannelOptions.Types.SocketOption(level: .tcp, name: NIOBSDSocket.Option(rawValue: TCP_CORK))
        if channel.eventLoop.inEventLoop, let options = channel.syncOptions {
            try? options.setOption(option, value: corked ? 1 : 0)
        } else {
            channel.setOption(option, value: corked ? 1 : 0).whenFailure { _ in }
        }
        #endif
    }
}
