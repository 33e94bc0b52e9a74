import HTTPTypes
import Logging
import NIOCore
import NIOEmbedded
import NIOHTTP1
@testable import Server
import Testing

/// The connection handler that answers hot signed reads below Hummingbird: it answers
/// what the decision answers, adds what the middleware would (request id, date, server,
/// metrics), never answers out of turn or a request whose connection the router owns, and
/// keeps the connection's idle timeout and graceful shutdown for every request.
@Suite struct DirectReadHandlerTests {
    /// A decision that answers GETs of `/direct` with 200 (and `body`) and nothing else.
    static func answerer(metrics: HTTPMetrics = HTTPMetrics(), body: ByteBuffer? = nil) -> DirectReadAnswerer {
        DirectReadAnswerer(
            answer: { target, _ in
                target == "/direct"
                    ? DirectAnswer(status: .ok, headers: ["Content-Length": String(body?.readableBytes ?? 0)], body: body, route: "/direct") : nil
            },
            metrics: metrics, logger: Logger(label: "test")
        )
    }

    static func channel(
        reads: DirectReads = DirectReads(serverName: "grey"), answerer: DirectReadAnswerer? = answerer(), idleTimeout: TimeAmount? = nil
    ) throws -> EmbeddedChannel {
        let channel = EmbeddedChannel(handler: DirectReadHandler(reads: reads, answerer: answerer, idleTimeout: idleTimeout))
        try channel.connect(to: SocketAddress(ipAddress: "127.0.0.1", port: 1)).wait()
        return channel
    }

    static func head(_ uri: String, method: HTTPMethod = .GET, version: HTTPVersion = .http1_1, headers: HTTPHeaders = [:]) -> HTTPServerRequestPart {
        .head(HTTPRequestHead(version: version, method: method, uri: uri, headers: headers))
    }

    static func send(_ channel: EmbeddedChannel, _ head: HTTPServerRequestPart) throws {
        try channel.writeInbound(head)
        try channel.writeInbound(HTTPServerRequestPart.end(nil))
    }

    /// The router's answer, written through the handler as Hummingbird's would be.
    static func routerAnswers(_ channel: EmbeddedChannel) throws {
        try channel.writeOutbound(HTTPServerResponsePart.head(HTTPResponseHead(version: .http1_1, status: .ok)))
        try channel.writeOutbound(HTTPServerResponsePart.end(nil))
    }

    @Test func aReadTheDecisionAnswersIsAnsweredOnTheConnection() throws {
        let reads = DirectReads(serverName: "grey")
        let metrics = HTTPMetrics()
        let channel = try Self.channel(reads: reads, answerer: Self.answerer(metrics: metrics, body: ByteBuffer(string: "bytes")))
        try Self.send(channel, Self.head("/direct", headers: ["X-Request-Id": "trace-1"]))

        #expect(try channel.readInbound(as: HTTPServerRequestPart.self) == nil, "nothing reached the router")
        guard case .head(let response) = try #require(try channel.readOutbound(as: HTTPServerResponsePart.self)) else {
            Issue.record("a head first"); return
        }
        #expect(response.status == .ok)
        #expect(response.headers.first(name: "X-Request-Id") == "trace-1")
        #expect(response.headers.first(name: "Server") == "grey")
        #expect(response.headers.first(name: "Date")?.hasSuffix(" GMT") == true)
        #expect(try channel.readOutbound(as: HTTPServerResponsePart.self) == .body(.byteBuffer(ByteBuffer(string: "bytes"))))
        #expect(try channel.readOutbound(as: HTTPServerResponsePart.self) == .end(nil))
        #expect(reads.answeredCount == 1)
        let exposition = String(decoding: metrics.exposition(), as: UTF8.self)
        #expect(exposition.contains(#"grey_http_requests_total{route="/direct",method="GET",status="200"} 1"#))
        _ = try channel.finish()
    }

    @Test func otherRequestsGoToTheRouterWhole() throws {
        let channel = try Self.channel()
        let refused: [HTTPServerRequestPart] = [
            Self.head("/elsewhere"),
            Self.head("/direct", method: .POST),
            Self.head("/direct", version: .http1_0),
            Self.head("/direct", headers: ["Connection": "close"]),
            Self.head("/direct", headers: ["Connection": "Upgrade, HTTP2-Settings"]),
            Self.head("/direct", headers: ["Origin": "https://app.example"]),
            Self.head("/direct", headers: ["Expect": "100-continue"]),
        ]
        for head in refused {
            try channel.writeInbound(head)
            try channel.writeInbound(HTTPServerRequestPart.body(ByteBuffer(string: "x")))
            try channel.writeInbound(HTTPServerRequestPart.end(nil))
            #expect(try channel.readInbound(as: HTTPServerRequestPart.self) == head)
            #expect(try channel.readInbound(as: HTTPServerRequestPart.self) == .body(ByteBuffer(string: "x")))
            #expect(try channel.readInbound(as: HTTPServerRequestPart.self) == .end(nil))
            try Self.routerAnswers(channel)
        }
        _ = try channel.finish()
    }

    @Test func keepAliveIsAnsweredDirectly() throws {
        let reads = DirectReads()
        let channel = try Self.channel(reads: reads)
        try Self.send(channel, Self.head("/direct", headers: ["Connection": "keep-alive"]))
        #expect(try channel.readInbound(as: HTTPServerRequestPart.self) == nil)
        #expect(reads.answeredCount == 1)
        _ = try channel.finish()
    }

    /// A pipelined read that comes while the router still owes an answer goes to the
    /// router too, so the answers leave in the order of the requests.
    /// The router's handlers hear of a read from the socket only when they were given a
    /// part of it.
    @Test func theRouterHearsOfReadsItWasGiven() throws {
        let channel = try Self.channel()
        let router = ReadCompleteCounter()
        try channel.pipeline.syncOperations.addHandler(router)
        try Self.send(channel, Self.head("/direct"))
        #expect(router.parts == 0 && router.readsComplete == 0)
        try Self.send(channel, Self.head("/elsewhere"))
        #expect(router.parts == 2 && router.readsComplete == 2)
    }

    @Test func aReadNeverOvertakesAnAnswerTheRouterOwes() throws {
        let reads = DirectReads()
        let channel = try Self.channel(reads: reads)
        try Self.send(channel, Self.head("/elsewhere"))
        try Self.send(channel, Self.head("/direct"))
        #expect(try channel.readInbound(as: HTTPServerRequestPart.self) == Self.head("/elsewhere"))
        #expect(try channel.readInbound(as: HTTPServerRequestPart.self) == .end(nil))
        #expect(try channel.readInbound(as: HTTPServerRequestPart.self) == Self.head("/direct"))
        #expect(try channel.readInbound(as: HTTPServerRequestPart.self) == .end(nil))
        #expect(reads.answeredCount == 0)

        // Once both answers have ended, the next read is answered directly again.
        try Self.routerAnswers(channel)
        try Self.routerAnswers(channel)
        try Self.send(channel, Self.head("/direct"))
        #expect(try channel.readInbound(as: HTTPServerRequestPart.self) == nil)
        #expect(reads.answeredCount == 1)
        _ = try channel.finish()
    }

    @Test func switchedOffOrNotInstalledEveryReadGoesToTheRouter() throws {
        let reads = DirectReads()
        reads.isEnabled = false
        for channel in [try Self.channel(reads: reads), try Self.channel(reads: DirectReads(), answerer: nil)] {
            try channel.writeInbound(Self.head("/direct"))
            #expect(try channel.readInbound(as: HTTPServerRequestPart.self) == Self.head("/direct"))
            _ = try channel.finish()
        }
        #expect(reads.answeredCount == 0)
    }

    // MARK: The connection's idle timeout and graceful shutdown

    @Test func anIdleConnectionIsClosedAfterTheTimeoutAndABusyOneIsNot() throws {
        let channel = try Self.channel(idleTimeout: .seconds(30))
        // Direct reads keep it busy: each one is traffic.
        for _ in 0..<4 {
            channel.embeddedEventLoop.advanceTime(by: .seconds(20))
            try Self.send(channel, Self.head("/direct"))
            #expect(channel.isActive)
        }
        channel.embeddedEventLoop.advanceTime(by: .seconds(29))
        #expect(channel.isActive)
        channel.embeddedEventLoop.advanceTime(by: .seconds(2))
        #expect(!channel.isActive)
    }

    @Test func aRequestBeingAnsweredIsNeverCutShortButAStalledOneIs() throws {
        let answered = try Self.channel(idleTimeout: .seconds(30))
        try Self.send(answered, Self.head("/elsewhere"))
        answered.embeddedEventLoop.advanceTime(by: .seconds(90))
        #expect(answered.isActive, "the router is still working on it")
        try Self.routerAnswers(answered)
        answered.embeddedEventLoop.advanceTime(by: .seconds(31))
        #expect(!answered.isActive)

        // An answer still being written out (a large file to a slow client) is not idle:
        // the timeout counts from when its end has left.
        let downloading = try Self.channel(idleTimeout: .seconds(30))
        try Self.send(downloading, Self.head("/elsewhere"))
        downloading.write(HTTPServerResponsePart.head(HTTPResponseHead(version: .http1_1, status: .ok)), promise: nil)
        downloading.write(HTTPServerResponsePart.end(nil), promise: nil)
        downloading.embeddedEventLoop.advanceTime(by: .seconds(90))
        #expect(downloading.isActive, "its end has not been written out yet")
        downloading.flush()
        downloading.embeddedEventLoop.advanceTime(by: .seconds(29))
        #expect(downloading.isActive)
        downloading.embeddedEventLoop.advanceTime(by: .seconds(2))
        #expect(!downloading.isActive)

        // A request whose body stops arriving (a stalled upload) is closed.
        let stalled = try Self.channel(idleTimeout: .seconds(30))
        try stalled.writeInbound(Self.head("/uploads", method: .PUT))
        try stalled.writeInbound(HTTPServerRequestPart.body(ByteBuffer(string: "part")))
        stalled.embeddedEventLoop.advanceTime(by: .seconds(31))
        #expect(!stalled.isActive)
    }

    @Test func gracefulShutdownClosesIdleConnectionsAtOnceAndBusyOnesOnceAnswered() throws {
        let idle = try Self.channel()
        idle.pipeline.fireUserInboundEventTriggered(ChannelShouldQuiesceEvent())
        #expect(!idle.isActive)

        let busy = try Self.channel()
        try Self.send(busy, Self.head("/elsewhere"))
        busy.pipeline.fireUserInboundEventTriggered(ChannelShouldQuiesceEvent())
        #expect(busy.isActive)
        try Self.routerAnswers(busy)
        #expect(!busy.isActive)
    }
}

/// Counts what reaches the handler above ``DirectReadHandler``: request parts and the
/// ends of socket reads.
private final class ReadCompleteCounter: ChannelInboundHandler {
    typealias InboundIn = HTTPServerRequestPart
    var parts = 0
    var readsComplete = 0

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        parts += 1
    }

    func channelReadComplete(context: ChannelHandlerContext) {
        readsComplete += 1
    }
}
