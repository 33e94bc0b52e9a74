import Foundation
import HTTPTypes
import NIOCore
import NIOHTTP1
import Origin

/// Answers hot signed reads on the connection (see ``DirectReads``), and keeps the
/// connection's idle timeout and graceful shutdown.
///
/// It sits just above NIO's HTTP/1 decoder, below Hummingbird's codec: a direct read is
/// never converted to Swift HTTP Types and back, which was a fifth of its cost. Because
/// Hummingbird's connection-state handler (further up) no longer sees those requests, this
/// handler does its work for every request instead, direct or routed (the server then
/// gives Hummingbird no idle timeout): a connection with no request in progress, or
/// stalled while sending one, is closed after `idleTimeout` without traffic; on graceful
/// shutdown it is closed at once when idle, else after its answer. The file a direct answer
/// names is sent by ``FileRegionSender`` like the router's.
///
/// Answers leave in the order of their requests: a request is only answered directly when
/// nothing passed to the router on this connection is still unanswered.
final class DirectReadHandler: ChannelDuplexHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPServerRequestPart
    typealias InboundOut = HTTPServerRequestPart
    typealias OutboundIn = HTTPServerResponsePart
    typealias OutboundOut = HTTPServerResponsePart

    private let reads: DirectReads
    /// Nil until the router installed one: every request then goes to the router.
    private let answerer: DirectReadAnswerer?
    private var activity: ConnectionActivity
    /// Requests passed to the router whose answers have not ended.
    private var unanswered = 0
    /// The answer to the request whose parts are arriving, written at its end; nil while
    /// a request passed to the router is arriving.
    private var answering: (answer: DirectAnswer, head: HTTPRequestHead, started: NIODeadline)?
    private var bookkeeping = DirectAnswerBookkeeping()
    /// Whether a request part went to the router since the last read from the socket.
    private var forwardedSinceReadComplete = false

    init(reads: DirectReads, answerer: DirectReadAnswerer?, idleTimeout: TimeAmount?) {
        self.reads = reads
        self.answerer = answerer
        self.activity = ConnectionActivity(idleTimeout: idleTimeout)
    }

    func handlerAdded(context: ChannelHandlerContext) {
        if context.channel.isActive { activity.start(context) }
    }

    func channelActive(context: ChannelHandlerContext) {
        activity.start(context)
        context.fireChannelActive()
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        activity.stop()
    }

    func channelInactive(context: ChannelHandlerContext) {
        activity.stop()
        context.fireChannelInactive()
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let part = unwrapInboundIn(data)
        activity.read(part)
        switch part {
        case .head(let head):
            // The event loop's clock: one reading at each end of a direct request.
            let started = context.eventLoop.now
            if unanswered == 0, let answerer, reads.isEnabled, Self.mayAnswer(head), let answer = answerer.answer(head.uri, Self.readRequest(head)) {
                answering = (answer, head, started)
            } else {
                unanswered += 1
                forward(data, context: context)
            }
        case .body where answering != nil:
            break  // A body on a GET or HEAD means nothing; it is read and dropped.
        case .end where answering != nil:
            let (answer, head, started) = answering!
            answering = nil
            respond(answer, to: head, started: started, context: context)
        case .body, .end:
            forward(data, context: context)
        }
    }

    private func forward(_ part: NIOAny, context: ChannelHandlerContext) {
        forwardedSinceReadComplete = true
        context.fireChannelRead(part)
    }

    /// Traffic is noted once per read from the socket, however many request parts it held.
    /// The router hears of the read only when it was given a part of it: its handlers
    /// (Hummingbird's async channel) have nothing to deliver otherwise.
    func channelReadComplete(context: ChannelHandlerContext) {
        activity.traffic(context)
        guard forwardedSinceReadComplete else { return }
        forwardedSinceReadComplete = false
        context.fireChannelReadComplete()
    }

    func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        guard case .end = unwrapOutboundIn(data) else {
            context.write(data, promise: promise)
            return
        }
        // (A parse error's 400 ends with no request passed: never below zero.)
        unanswered = max(0, unanswered - 1)
        context.write(data, promise: answeredWhenWritten(promise, context: context))
    }

    /// A promise for an answer's end, which tells ``activity`` once the answer is out:
    /// written to the socket, not only queued (a large file to a slow client may take
    /// minutes, and is not idle meanwhile).
    private func answeredWhenWritten(_ promise: EventLoopPromise<Void>?, context: ChannelHandlerContext) -> EventLoopPromise<Void> {
        let written = promise ?? context.eventLoop.makePromise(of: Void.self)
        written.futureResult.assumeIsolated().whenComplete { [activity] _ in activity.answered(context) }
        return written
    }

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        // Graceful shutdown: handled here for every request, so not passed on.
        guard event is ChannelShouldQuiesceEvent else { return context.fireUserInboundEventTriggered(event) }
        activity.quiesce(context)
    }

    /// Only GETs and HEADs, of requests that leave the connection to the router's loop
    /// (``DirectAnswerBookkeeping/leavesConnectionAlone(_:)``).
    static func mayAnswer(_ head: HTTPRequestHead) -> Bool {
        (head.method == .GET || head.method == .HEAD) && DirectAnswerBookkeeping.leavesConnectionAlone(head)
    }

    /// What a read depends on, read from NIO's fields as the router reads Swift HTTP Types':
    /// a field sent on several lines is one list (nothing else is converted).
    static func readRequest(_ head: HTTPRequestHead) -> ReadRequest {
        func field(_ name: String) -> String? { ReadRequest.joined(head.headers[name]) }
        return ReadRequest(
            isHead: head.method == .HEAD, range: field("range"), ifMatch: field("if-match"), ifNoneMatch: field("if-none-match"),
            ifModifiedSince: field("if-modified-since"), ifUnmodifiedSince: field("if-unmodified-since"), ifRange: field("if-range")
        )
    }

    private func respond(_ answer: DirectAnswer, to head: HTTPRequestHead, started: NIODeadline, context: ChannelHandlerContext) {
        var headers = answer.headers
        let requestID = DirectAnswerBookkeeping.requestID(of: head)
        bookkeeping.addFields(to: &headers, requestID: requestID, serverName: reads.serverName)
        let status = HTTPResponseStatus(statusCode: answer.status.code)
        // Counted first: a client may read the count as soon as it has the answer.
        reads.noteAnswered()
        context.write(wrapOutboundOut(.head(HTTPResponseHead(version: .http1_1, status: status, headers: headers))), promise: nil)
        if let body = answer.body { context.write(wrapOutboundOut(.body(.byteBuffer(body))), promise: nil) }
        if answer.sendsFile {
            context.writeAndFlush(wrapOutboundOut(.end(nil)), promise: answeredWhenWritten(nil, context: context))
        } else {
            // At most 64 KiB held in memory, or no body: out as soon as the socket takes it,
            // and a client that cannot take that much in the timeout is idle anyway.
            context.writeAndFlush(wrapOutboundOut(.end(nil)), promise: nil)
        }
        let finished = context.eventLoop.now
        if !answer.sendsFile { activity.answered(context, at: finished) }

        guard let answerer else { return }
        let elapsed = Duration.nanoseconds((finished - started).nanoseconds)
        bookkeeping.record(
            method: head.method, route: answer.route, path: String(head.uri.prefix { $0 != "?" }), status: Int(status.code), elapsed: elapsed,
            requestID: requestID, metrics: answerer.metrics, logger: answerer.logger, logsRequests: answerer.logsRequests
        )
    }
}
