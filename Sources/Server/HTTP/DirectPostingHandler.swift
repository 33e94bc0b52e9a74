import Database
import Foundation
import HTTPTypes
import NIOCore
import NIOHTTP1
import Origin

/// Answers money-moving POSTs with a fixed path on the connection (see ``DirectPostings``).
///
/// It sits below Hummingbird's codec, above ``DirectReadHandler`` (which keeps the idle
/// timeout and graceful shutdown, and sees a direct posting as a request passed on and
/// answered). A posting's parts are collected here (a body of at most the JSON limit, with
/// a `Content-Length`); at its end a task on the connection's event loop posts it and
/// writes the answer.
///
/// Answers leave in the order of their requests: a posting is only taken when nothing
/// passed to the router on this connection is unanswered, and while it is in flight the
/// connection reads nothing more; parts already read wait here and are handled, in order,
/// after its answer.
final class DirectPostingHandler: ChannelDuplexHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPServerRequestPart
    typealias InboundOut = HTTPServerRequestPart
    typealias OutboundIn = HTTPServerResponsePart
    typealias OutboundOut = HTTPServerResponsePart

    private enum State {
        case idle
        /// A posting's parts are arriving.
        case collecting(head: HTTPRequestHead, path: String, body: ByteBuffer, started: NIODeadline)
        /// A posting is in flight: nothing more is read, and parts already read wait.
        case posting
    }

    private let postings: DirectPostings
    /// Nil until the router installed one: every request then goes to the router.
    private let answerer: DirectPostingAnswerer?
    private let maxBodySize: Int
    private var state = State.idle
    /// Requests passed to the router whose answers have not ended.
    private var unanswered = 0
    /// Parts read while a posting was in flight, handled after its answer.
    private var waiting: [NIOAny] = []
    /// Whether a read was asked for while a posting was in flight.
    private var readHeld = false
    private var bookkeeping = DirectAnswerBookkeeping()
    /// The posting's task runs on this connection's event loop, not in the shared pool: it
    /// resumes where its answer is written (measured: about 6 % less of Grey's CPU per transfer).
    private var loopExecutor: EventLoopTaskExecutor?

    init(postings: DirectPostings, answerer: DirectPostingAnswerer?, maxBodySize: Int = AppRequestContext.maxJSONBodySize) {
        self.postings = postings
        self.answerer = answerer
        self.maxBodySize = maxBodySize
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        if case .posting = state {
            waiting.append(data)
            return
        }
        switch (unwrapInboundIn(data), state) {
        case (.head(let head), _):
            if unanswered == 0, let answerer, postings.isEnabled, let path = path(of: head, answerer: answerer) {
                state = .collecting(head: head, path: path, body: context.channel.allocator.buffer(capacity: 0), started: context.eventLoop.now)
            } else {
                unanswered += 1
                context.fireChannelRead(data)
            }
        case (.body(var chunk), .collecting(let head, let path, var body, let started)):
            state = .idle  // (the buffer is uniquely held while it grows)
            body.writeBuffer(&chunk)
            state = .collecting(head: head, path: path, body: body, started: started)
        case (.end, .collecting(let head, let path, let body, let started)):
            state = .posting
            post(head: head, path: path, body: body, started: started, context: context)
        case (.body, _), (.end, _):
            context.fireChannelRead(data)
        }
    }

    func channelReadComplete(context: ChannelHandlerContext) {
        // Parts held back are passed on, with their own read-complete, after the answer.
        if case .posting = state { return }
        context.fireChannelReadComplete()
    }

    func read(context: ChannelHandlerContext) {
        if case .posting = state {
            readHeld = true
            return
        }
        context.read()
    }

    func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        // (A parse error's 400 ends with no request passed: never below zero.)
        if case .end = unwrapOutboundIn(data) { unanswered = max(0, unanswered - 1) }
        context.write(data, promise: promise)
    }

    /// The path of a posting answered here, or nil for the router: an HTTP/1.1 POST of one
    /// of the answerer's paths, with a `Content-Length` within the limit, that leaves the
    /// connection to the router's loop (``DirectAnswerBookkeeping/leavesConnectionAlone(_:)``).
    private func path(of head: HTTPRequestHead, answerer: DirectPostingAnswerer) -> String? {
        guard head.method == .POST, answerer.paths.contains(head.uri), DirectAnswerBookkeeping.leavesConnectionAlone(head),
              let length = head.headers.first(name: "content-length").flatMap({ Int($0) }), (0...maxBodySize).contains(length),
              !head.headers.contains(name: "transfer-encoding")
        else { return nil }
        return head.uri
    }

    private func post(head: HTTPRequestHead, path: String, body: ByteBuffer, started: NIODeadline, context: ChannelHandlerContext) {
        guard let answerer else { return }
        func field(_ name: String) -> String? { ReadRequest.joined(head.headers[name]) }
        let request = DirectPosting(
            path: path, authorization: field("authorization"), idempotencyKey: field("idempotency-key"), contentType: field("content-type"),
            requestID: DirectAnswerBookkeeping.requestID(of: head), body: body
        )
        let answered = context.eventLoop.makePromise(of: DirectPostingAnswer.self)
        let executor = loopExecutor ?? EventLoopTaskExecutor(eventLoop: context.eventLoop)
        loopExecutor = executor
        Task(executorPreference: executor) { answered.succeed(await answerer.answer(request)) }
        answered.futureResult.assumeIsolated().whenSuccess { [self] answer in
            respond(answer, to: request, method: head.method, started: started, answerer: answerer, context: context)
        }
    }

    private func respond(
        _ answer: DirectPostingAnswer, to request: DirectPosting, method: HTTPMethod, started: NIODeadline, answerer: DirectPostingAnswerer,
        context: ChannelHandlerContext
    ) {
        var headers = HTTPHeaders(answer.fields.map { ($0.name, $0.value) })
        headers.add(name: "Content-Length", value: String(answer.body.count))
        bookkeeping.addFields(to: &headers, requestID: request.requestID, serverName: postings.serverName)
        let status = HTTPResponseStatus(statusCode: answer.status)
        postings.noteAnswered()
        context.write(wrapOutboundOut(.head(HTTPResponseHead(version: .http1_1, status: status, headers: headers))), promise: nil)
        var body = context.channel.allocator.buffer(capacity: answer.body.count)
        body.writeBytes(answer.body)
        context.write(wrapOutboundOut(.body(.byteBuffer(body))), promise: nil)
        context.writeAndFlush(wrapOutboundOut(.end(nil)), promise: nil)

        let elapsed = Duration.nanoseconds((context.eventLoop.now - started).nanoseconds)
        bookkeeping.record(
            method: method, route: request.path, path: request.path, status: answer.status, elapsed: elapsed, requestID: request.requestID,
            metrics: answerer.metrics, logger: answerer.logger, logsRequests: answerer.logsRequests, tenant: answer.tenant, keyID: answer.keyID
        )
        resume(context: context)
    }

    /// Back to reading: the parts that waited are handled in order (one may start the
    /// next posting, and the rest wait again), then a held read is made.
    private func resume(context: ChannelHandlerContext) {
        state = .idle
        let parts = waiting
        waiting = []
        for (index, part) in parts.enumerated() {
            if case .posting = state {
                waiting.append(contentsOf: parts[index...])
                return
            }
            channelRead(context: context, data: part)
        }
        if case .posting = state { return }
        if !parts.isEmpty { context.fireChannelReadComplete() }
        if readHeld {
            readHeld = false
            context.read()
        }
    }
}
