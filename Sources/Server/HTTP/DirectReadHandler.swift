import Foundation
import HTTPTypes
import Logging
import NIOCore
import NIOHTTPTypes
import Origin

/// Answers hot signed reads on the connection (see ``DirectReads``). It sits at the end
/// of the pipeline, just before Hummingbird's handler, so the connection's state handler
/// (idle timeout, graceful shutdown) sees every request and answer, and the file a direct
/// answer names is sent by ``FileRegionSender`` like the router's.
///
/// Answers must go out in the order their requests came: a request is only answered
/// directly when nothing passed to the router on this connection is still unanswered;
/// otherwise it goes to the router too.
final class DirectReadHandler: ChannelDuplexHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPRequestPart
    typealias InboundOut = HTTPRequestPart
    typealias OutboundIn = HTTPResponsePart
    typealias OutboundOut = HTTPResponsePart

    private let reads: DirectReads
    private let answerer: DirectReadAnswerer
    /// Requests passed to the router whose answers have not ended.
    private var unanswered = 0
    /// The answer to the request whose parts are arriving, written at its end; nil while
    /// a request passed to the router is arriving.
    private var answering: (answer: DirectAnswer, request: HTTPRequest, started: ContinuousClock.Instant)?
    private var date: (second: Int64, text: String) = (0, "")

    init(reads: DirectReads, answerer: DirectReadAnswerer) {
        self.reads = reads
        self.answerer = answerer
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch unwrapInboundIn(data) {
        case .head(let request):
            let started = ContinuousClock.now
            if unanswered == 0, Self.mayAnswer(request), reads.isEnabled, let answer = answerer.answer(request) {
                answering = (answer, request, started)
            } else {
                unanswered += 1
                context.fireChannelRead(data)
            }
        case .body where answering != nil:
            break  // A body on a GET or HEAD means nothing; it is read and dropped.
        case .end where answering != nil:
            let (answer, request, started) = answering!
            answering = nil
            respond(answer, to: request, started: started, context: context)
        case .body, .end:
            context.fireChannelRead(data)
        }
    }

    func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        // (A parse error's 400 ends with no request passed: never below zero.)
        if case .end = unwrapOutboundIn(data) { unanswered = max(0, unanswered - 1) }
        context.write(data, promise: promise)
    }

    /// Requests whose connection the router's loop ends or changes (`Connection: close`
    /// or `upgrade`), that wait for a go-ahead (`Expect`) or whose answer it shapes
    /// (`Origin`, for CORS) always go to it.
    static func mayAnswer(_ request: HTTPRequest) -> Bool {
        guard request.method == .get || request.method == .head,
              request.headerFields[.expect] == nil, request.headerFields[.origin] == nil
        else { return false }
        return !request.headerFields[values: .connection].contains { value in
            value.split(separator: ",").contains { token in
                let token = token.trimmingCharacters(in: .whitespaces).lowercased()
                return token == "close" || token == "upgrade"
            }
        }
    }

    private func respond(_ answer: DirectAnswer, to request: HTTPRequest, started: ContinuousClock.Instant, context: ChannelHandlerContext) {
        var response = answer.response
        // What the middleware and Hummingbird add to every answer.
        let requestID = RequestLogMiddleware.acceptedID(request.headerFields[.requestID]) ?? RequestLogMiddleware.makeID()
        response.headerFields[.requestID] = requestID
        response.headerFields[.date] = currentDate()
        if let serverName = reads.serverName { response.headerFields[.server] = serverName }
        // Counted first: a client may read the count as soon as it has the answer.
        reads.noteAnswered()
        context.write(wrapOutboundOut(.head(response)), promise: nil)
        if let body = answer.body { context.write(wrapOutboundOut(.body(body)), promise: nil) }
        context.writeAndFlush(wrapOutboundOut(.end(nil)), promise: nil)

        let elapsed = ContinuousClock.now - started
        answerer.metrics.record(route: answer.route, method: request.method.rawValue, status: response.status.code, duration: elapsed)
        if answerer.logger.logLevel <= .info {
            var logger = answerer.logger
            logger[metadataKey: "request_id"] = .string(requestID)
            logger.info("request", metadata: [
                "method": .string(request.method.rawValue),
                "route": .string(answer.route),
                "path": .string(String((request.path ?? "").prefix { $0 != "?" })),
                "status": .stringConvertible(response.status.code),
                "duration_ms": .stringConvertible(RequestLogMiddleware.milliseconds(elapsed)),
            ])
        }
    }

    /// The `Date` field, formatted once a second.
    private func currentDate() -> String {
        let second = Int64(Date().timeIntervalSince1970)
        if second != date.second { date = (second, HTTPDate.format(second)) }
        return date.text
    }
}
