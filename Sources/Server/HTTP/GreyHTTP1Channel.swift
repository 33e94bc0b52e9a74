public import HummingbirdCore
public import Logging
public import NIOCore
import NIOHTTP1

/// Hummingbird's HTTP/1.1 channel with two changes for moving files:
///
/// - It reads up to 1 MiB from the socket at a time instead of NIO's default 64 KiB. An
///   upload body then arrives in a sixteenth of the chunks, and each chunk costs a
///   hand-off from the event loop to the handler: measured on a 1 GiB upload, 16,389
///   chunks spent 1.4 s waiting for those hand-offs, 1,188 chunks 0.1 s. The allocator
///   adapts, so small requests still get small buffers.
/// - With a ``FileRegionHandoff``, a ``FileRegionSender`` below Hummingbird's codec sends
///   the files responses name with `sendfile(2)`.
/// - With ``DirectReads``, a ``DirectReadHandler`` just above NIO's decoder answers hot
///   signed reads before they reach Hummingbird, and keeps the connection's idle timeout
///   and graceful shutdown for every request (Hummingbird's handler then has no timeout).
/// - With ``DirectPostings`` as well, a ``DirectPostingHandler`` just above that answers
///   the money-moving POSTs with a fixed path.
public struct GreyHTTP1Channel: ServerChildChannel {
    public typealias Value = HTTP1Channel.Value
    let base: HTTP1Channel
    let fileRegions: FileRegionHandoff?
    let directReads: DirectReads?
    let directPostings: DirectPostings?
    /// The idle timeout, kept by ``DirectReadHandler`` when there is one.
    let idleTimeout: TimeAmount?

    public func setup(channel: any Channel, logger: Logger) -> EventLoopFuture<Value> {
        channel.setOption(
            ChannelOptions.recvAllocator, value: AdaptiveRecvByteBufferAllocator(minimum: 64, initial: 16 << 10, maximum: 1 << 20)
        ).flatMap {
            base.setup(channel: channel, logger: logger)
        }.flatMapThrowing { value in
            if let fileRegions {
                let operations = channel.pipeline.syncOperations
                // Just above NIO's encoder (below Hummingbird's codec), where a body part may
                // be a file region.
                let encoder = try operations.handler(type: HTTPResponseEncoder.self)
                try operations.addHandler(FileRegionSender(handoff: fileRegions), position: .after(encoder))
            }
            if let directReads {
                let operations = channel.pipeline.syncOperations
                // Just above NIO's decoder, below Hummingbird's codec.
                let decoder = try operations.handler(type: ByteToMessageHandler<HTTPRequestDecoder>.self)
                let handler = DirectReadHandler(reads: directReads, answerer: directReads.installed, idleTimeout: idleTimeout)
                try operations.addHandler(handler, position: .after(decoder))
                if let directPostings {
                    let postingHandler = DirectPostingHandler(postings: directPostings, answerer: directPostings.installed)
                    try operations.addHandler(postingHandler, position: .after(handler))
                }
            }
            return value
        }
    }

    public func handle(value: Value, logger: Logger) async {
        await base.handle(value: value, logger: logger)
    }
}

extension HTTPServerBuilder {
    /// HTTP/1.1 through ``GreyHTTP1Channel``: large socket reads, zero-copy file bodies
    /// when `fileRegions` is given, and hot signed reads answered on the connection when
    /// `directReads` is, and money-moving POSTs too when `directPostings` is as well (the
    /// router must be built with the same ones).
    public static func greyHTTP1(
        configuration: HTTP1Channel.Configuration, fileRegions: FileRegionHandoff?, directReads: DirectReads? = nil,
        directPostings: DirectPostings? = nil
    ) -> HTTPServerBuilder {
        .init { responder in
            // With direct reads, the idle timeout is kept below Hummingbird, where every request is seen.
            var hummingbird = configuration
            if directReads != nil { hummingbird.idleTimeout = nil }
            return GreyHTTP1Channel(
                base: HTTP1Channel(responder: responder, configuration: hummingbird), fileRegions: fileRegions, directReads: directReads,
                directPostings: directPostings, idleTimeout: directReads != nil ? configuration.idleTimeout : nil
            )
        }
    }
}
