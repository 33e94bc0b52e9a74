import HTTPTypes
import Logging
import NIOCore
import NIOEmbedded
import NIOHTTPTypes
@testable import Server
import Testing

/// The connection handler that answers hot signed reads before the router: it answers
/// what the decision answers, adds what the middleware would (request id, date, server,
/// metrics), and never answers out of turn or a request whose connection the router owns.
@Suite struct DirectReadHandlerTests {
    /// A handler whose decision answers GETs of `/direct` with 200 and nothing else.
    static func channel(reads: DirectReads = DirectReads(serverName: "grey"), metrics: HTTPMetrics = HTTPMetrics()) throws -> EmbeddedChannel {
        let answerer = DirectReadAnswerer(
            answer: { request in
                request.path == "/direct"
                    ? DirectAnswer(response: HTTPResponse(status: .ok, headerFields: [.contentLength: "0"]), route: "/direct") : nil
            },
            metrics: metrics, logger: Logger(label: "test")
        )
        return EmbeddedChannel(handler: DirectReadHandler(reads: reads, answerer: answerer))
    }

    static func request(_ path: String, method: HTTPRequest.Method = .get, fields: HTTPFields = [:]) -> HTTPRequestPart {
        .head(HTTPRequest(method: method, scheme: nil, authority: "grey", path: path, headerFields: fields))
    }

    @Test func aReadTheDecisionAnswersIsAnsweredOnTheConnection() throws {
        let reads = DirectReads(serverName: "grey")
        let metrics = HTTPMetrics()
        let channel = try Self.channel(reads: reads, metrics: metrics)
        try channel.writeInbound(Self.request("/direct", fields: [HTTPField.Name("X-Request-Id")!: "trace-1"]))
        try channel.writeInbound(HTTPRequestPart.end(nil))

        #expect(try channel.readInbound(as: HTTPRequestPart.self) == nil, "nothing reached the router")
        guard case .head(let response) = try #require(try channel.readOutbound(as: HTTPResponsePart.self)) else {
            Issue.record("a head first"); return
        }
        #expect(response.status == .ok)
        #expect(response.headerFields[HTTPField.Name("X-Request-Id")!] == "trace-1")
        #expect(response.headerFields[.server] == "grey")
        #expect(response.headerFields[.date]?.hasSuffix(" GMT") == true)
        guard case .end = try #require(try channel.readOutbound(as: HTTPResponsePart.self)) else { Issue.record("then its end"); return }
        #expect(reads.answeredCount == 1)
        let exposition = String(decoding: metrics.exposition(), as: UTF8.self)
        #expect(exposition.contains(#"grey_http_requests_total{route="/direct",method="GET",status="200"} 1"#))
        #expect(try channel.finish().isClean)
    }

    @Test func otherRequestsGoToTheRouterWhole() throws {
        let channel = try Self.channel()
        let refused: [HTTPRequestPart] = [
            Self.request("/elsewhere"),
            Self.request("/direct", method: .post),
            Self.request("/direct", fields: [.connection: "close"]),
            Self.request("/direct", fields: [.connection: "Upgrade, HTTP2-Settings"]),
            Self.request("/direct", fields: [.origin: "https://app.example"]),
        ]
        for head in refused {
            try channel.writeInbound(head)
            try channel.writeInbound(HTTPRequestPart.body(ByteBuffer(string: "x")))
            try channel.writeInbound(HTTPRequestPart.end(nil))
            #expect(try channel.readInbound(as: HTTPRequestPart.self) == head)
            #expect(try channel.readInbound(as: HTTPRequestPart.self) == .body(ByteBuffer(string: "x")))
            #expect(try channel.readInbound(as: HTTPRequestPart.self) == .end(nil))
            // The router answers it before the next comes.
            try channel.writeOutbound(HTTPResponsePart.head(HTTPResponse(status: .ok)))
            try channel.writeOutbound(HTTPResponsePart.end(nil))
        }
        #expect(try channel.readOutbound(as: HTTPResponsePart.self) != nil)
        _ = try channel.finish()
    }

    /// A pipelined read that comes while the router still owes an answer goes to the
    /// router too, so the answers leave in the order of the requests.
    @Test func aReadNeverOvertakesAnAnswerTheRouterOwes() throws {
        let reads = DirectReads()
        let channel = try Self.channel(reads: reads)
        try channel.writeInbound(Self.request("/elsewhere"))
        try channel.writeInbound(HTTPRequestPart.end(nil))
        try channel.writeInbound(Self.request("/direct"))
        try channel.writeInbound(HTTPRequestPart.end(nil))
        #expect(try channel.readInbound(as: HTTPRequestPart.self) == Self.request("/elsewhere"))
        #expect(try channel.readInbound(as: HTTPRequestPart.self) == .end(nil))
        #expect(try channel.readInbound(as: HTTPRequestPart.self) == Self.request("/direct"))
        #expect(try channel.readInbound(as: HTTPRequestPart.self) == .end(nil))
        #expect(reads.answeredCount == 0)

        // Once both answers have ended, the next read is answered directly again.
        for _ in 0..<2 {
            try channel.writeOutbound(HTTPResponsePart.head(HTTPResponse(status: .ok)))
            try channel.writeOutbound(HTTPResponsePart.end(nil))
        }
        try channel.writeInbound(Self.request("/direct"))
        try channel.writeInbound(HTTPRequestPart.end(nil))
        #expect(try channel.readInbound(as: HTTPRequestPart.self) == nil)
        #expect(reads.answeredCount == 1)
        _ = try channel.finish()
    }

    @Test func aHeldBodyFollowsItsHead() throws {
        let answerer = DirectReadAnswerer(
            answer: { _ in
                DirectAnswer(response: HTTPResponse(status: .ok, headerFields: [.contentLength: "5"]), body: ByteBuffer(string: "bytes"), route: "/direct")
            },
            metrics: HTTPMetrics(), logger: Logger(label: "test")
        )
        let channel = EmbeddedChannel(handler: DirectReadHandler(reads: DirectReads(), answerer: answerer))
        try channel.writeInbound(Self.request("/direct"))
        try channel.writeInbound(HTTPRequestPart.end(nil))
        guard case .head = try #require(try channel.readOutbound(as: HTTPResponsePart.self)) else { Issue.record("a head first"); return }
        #expect(try channel.readOutbound(as: HTTPResponsePart.self) == .body(ByteBuffer(string: "bytes")))
        #expect(try channel.readOutbound(as: HTTPResponsePart.self) == .end(nil))
        _ = try channel.finish()
    }

    @Test func keepAliveIsAnsweredDirectly() throws {
        let reads = DirectReads()
        let channel = try Self.channel(reads: reads)
        try channel.writeInbound(Self.request("/direct", fields: [.connection: "keep-alive"]))
        try channel.writeInbound(HTTPRequestPart.end(nil))
        #expect(try channel.readInbound(as: HTTPRequestPart.self) == nil)
        #expect(reads.answeredCount == 1)
        _ = try channel.finish()
    }

    @Test func switchedOffEveryReadGoesToTheRouter() throws {
        let reads = DirectReads()
        reads.isEnabled = false
        let channel = try Self.channel(reads: reads)
        try channel.writeInbound(Self.request("/direct"))
        #expect(try channel.readInbound(as: HTTPRequestPart.self) == Self.request("/direct"))
        #expect(reads.answeredCount == 0)
        _ = try channel.finish()
    }
}
