import Logging
import NIOCore
import NIOEmbedded
import NIOHTTP1
@testable import Server
import Synchronization
import Testing

/// The connection handler that answers postings below Hummingbird: it takes only the
/// postings it may, never answers out of turn, and reads nothing more while one is in flight.
@Suite struct DirectPostingHandlerTests {
    /// Counts the reads that reach the socket's end of the pipeline.
    final class ReadCounter: ChannelOutboundHandler, Sendable {
        typealias OutboundIn = Any
        let reads = Atomic<Int>(0)
        func read(context: ChannelHandlerContext) {
            reads.add(1, ordering: .relaxed)
            context.read()
        }
    }

    /// A gate the answer waits at until the test opens it.
    final class Gate: Sendable {
        private let stream: AsyncStream<Void>
        private let continuation: AsyncStream<Void>.Continuation
        init() { (stream, continuation) = AsyncStream.makeStream() }
        func open() { continuation.yield() }
        func pass() async { for await _ in stream { return } }
    }

    /// Answers `/v1/transactions/transfer` with 201 and the body it was given, once `gate` opens.
    static func answerer(gate: Gate? = nil) -> DirectPostingAnswerer {
        DirectPostingAnswerer(
            paths: ["/v1/transactions/transfer"],
            answer: { request in
                await gate?.pass()
                return DirectPostingAnswer(
                    status: 201, fields: [("Content-Type", "application/json")], body: Array(request.body.readableBytesView), tenant: nil, keyID: nil
                )
            },
            metrics: HTTPMetrics(), logger: Logger(label: "test")
        )
    }

    static func channel(answerer: DirectPostingAnswerer, counter: ReadCounter = ReadCounter()) async throws -> NIOAsyncTestingChannel {
        let channel = try await NIOAsyncTestingChannel(handlers: [counter, DirectPostingHandler(postings: DirectPostings(serverName: "grey"), answerer: answerer)])
        try await channel.connect(to: SocketAddress(ipAddress: "127.0.0.1", port: 1))
        return channel
    }

    static func posting(_ body: String, uri: String = "/v1/transactions/transfer", headers extra: HTTPHeaders = [:]) -> [HTTPServerRequestPart] {
        var headers: HTTPHeaders = ["Content-Length": String(body.utf8.count)]
        headers.add(contentsOf: extra)
        return [.head(HTTPRequestHead(version: .http1_1, method: .POST, uri: uri, headers: headers)), .body(ByteBuffer(string: body)), .end(nil)]
    }

    static let get: [HTTPServerRequestPart] = [.head(HTTPRequestHead(version: .http1_1, method: .GET, uri: "/v1/wallets")), .end(nil)]

    static func send(_ parts: [HTTPServerRequestPart], to channel: NIOAsyncTestingChannel) async throws {
        for part in parts { try await channel.writeInbound(part) }
    }

    /// The router's side: what reached it, in order (`GET /v1/wallets`, `body`, `end`).
    static func routed(_ channel: NIOAsyncTestingChannel) async throws -> [String] {
        var seen: [String] = []
        while let part = try await channel.readInbound(as: HTTPServerRequestPart.self) {
            switch part {
            case .head(let head): seen.append("\(head.method) \(head.uri)")
            case .body: seen.append("body")
            case .end: seen.append("end")
            }
        }
        return seen
    }

    @Test func aPostingIsAnsweredOnTheConnectionWithTheRoutersFields() async throws {
        let channel = try await Self.channel(answerer: Self.answerer())
        try await Self.send(Self.posting(#"{"a":1}"#, headers: ["X-Request-Id": "trace-7"]), to: channel)

        guard case .head(let head) = try await channel.waitForOutboundWrite(as: HTTPServerResponsePart.self) else {
            Issue.record("a head first"); return
        }
        #expect(head.status == .created)
        #expect(head.headers.first(name: "X-Request-Id") == "trace-7")
        #expect(head.headers.first(name: "Content-Length") == "7")
        #expect(head.headers.first(name: "Server") == "grey")
        #expect(head.headers.contains(name: "Date"))
        guard case .body(.byteBuffer(let body)) = try await channel.waitForOutboundWrite(as: HTTPServerResponsePart.self) else {
            Issue.record("then the body"); return
        }
        #expect(String(buffer: body) == #"{"a":1}"#)
        #expect(try await channel.waitForOutboundWrite(as: HTTPServerResponsePart.self) == .end(nil))
        #expect(try await Self.routed(channel).isEmpty, "nothing reached the router")
    }

    @Test func whileAPostingIsInFlightNothingMoreIsReadOrPassedOn() async throws {
        let gate = Gate()
        let counter = ReadCounter()
        let channel = try await Self.channel(answerer: Self.answerer(gate: gate), counter: counter)
        try await Self.send(Self.posting("{}"), to: channel)
        try await Self.send(Self.get, to: channel)
        channel.read()
        let readsBefore = counter.reads.load(ordering: .relaxed)
        #expect(try await Self.routed(channel).isEmpty, "the GET waits for the posting's answer")

        gate.open()
        guard case .head(let head) = try await channel.waitForOutboundWrite(as: HTTPServerResponsePart.self) else {
            Issue.record("the posting's answer first"); return
        }
        #expect(head.status == .created)
        _ = try await channel.waitForOutboundWrite(as: HTTPServerResponsePart.self)
        _ = try await channel.waitForOutboundWrite(as: HTTPServerResponsePart.self)
        try await channel.testingEventLoop.executeInContext {}
        #expect(try await Self.routed(channel) == ["GET /v1/wallets", "end"])
        #expect(counter.reads.load(ordering: .relaxed) == readsBefore + 1, "the read held back is made after the answer")
    }

    @Test func aPostingBehindAnUnansweredRoutedRequestGoesToTheRouter() async throws {
        let channel = try await Self.channel(answerer: Self.answerer())
        try await Self.send(Self.get, to: channel)
        try await Self.send(Self.posting("{}"), to: channel)
        #expect(try await Self.routed(channel) == ["GET /v1/wallets", "end", "POST /v1/transactions/transfer", "body", "end"])

        // Once the router has answered, the next posting is answered here.
        try await channel.writeOutbound(HTTPServerResponsePart.head(HTTPResponseHead(version: .http1_1, status: .ok)))
        try await channel.writeOutbound(HTTPServerResponsePart.end(nil))
        try await channel.writeOutbound(HTTPServerResponsePart.head(HTTPResponseHead(version: .http1_1, status: .created)))
        try await channel.writeOutbound(HTTPServerResponsePart.end(nil))
        for _ in 0..<4 { _ = try await channel.readOutbound(as: HTTPServerResponsePart.self) }
        try await Self.send(Self.posting("{}"), to: channel)
        guard case .head(let head) = try await channel.waitForOutboundWrite(as: HTTPServerResponsePart.self) else {
            Issue.record("an answer"); return
        }
        #expect(head.headers.first(name: "Server") == "grey")
        #expect(try await Self.routed(channel).isEmpty)
    }

    @Test(arguments: [
        ("/v1/transactions/transfer?x=1", "", ""), ("/v1/transactions/spend", "", ""), ("/v1/transactions/transfer", "Expect", "100-continue"),
        ("/v1/transactions/transfer", "Origin", "https://app.example"), ("/v1/transactions/transfer", "Connection", "close"),
        ("/v1/transactions/transfer", "Transfer-Encoding", "chunked"),
    ])
    func postingsItMayNotTakeGoToTheRouter(_ uri: String, _ field: String, _ value: String) async throws {
        let headers: HTTPHeaders = field.isEmpty ? [:] : [field: value]
        let channel = try await Self.channel(answerer: Self.answerer())
        try await Self.send(Self.posting("{}", uri: uri, headers: headers), to: channel)
        #expect(try await Self.routed(channel) == ["POST \(uri)", "body", "end"])
        #expect(try await channel.readOutbound(as: HTTPServerResponsePart.self) == nil)
    }

    @Test func aBodyOverTheLimitOrWithoutALengthGoesToTheRouter() async throws {
        for head in [
            HTTPRequestHead(version: .http1_1, method: .POST, uri: "/v1/transactions/transfer", headers: ["Content-Length": String(AppRequestContext.maxJSONBodySize + 1)]),
            HTTPRequestHead(version: .http1_1, method: .POST, uri: "/v1/transactions/transfer"),
            HTTPRequestHead(version: .http1_0, method: .POST, uri: "/v1/transactions/transfer", headers: ["Content-Length": "2"]),
        ] {
            let channel = try await Self.channel(answerer: Self.answerer())
            try await channel.writeInbound(HTTPServerRequestPart.head(head))
            try await channel.writeInbound(HTTPServerRequestPart.end(nil))
            #expect(try await Self.routed(channel) == ["POST /v1/transactions/transfer", "end"])
        }
    }
}
