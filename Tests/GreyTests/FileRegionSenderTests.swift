import Foundation
import NIOCore
import NIOEmbedded
import NIOHTTP1
import NIOPosix
@testable import Server
import Storage
import Testing

/// The connection handler that sends a response's file with sendfile(2): it swaps the
/// private field for the file's bytes, never lets the field out, and never answers a head
/// whose file it does not have.
@Suite struct FileRegionSenderTests {
    /// A stored blob of `bytes`, opened for sending.
    static func openBlob(_ bytes: [UInt8]) async throws -> OpenBlobFile {
        let store = try FileSystemBlobStore(root: try await TestDatabase.makeScratchDirectory("regions"))
        let info = try await store.put(bytes)
        return try #require(try await store.openForSending(info.digest))
    }

    static func head(naming name: String?) -> HTTPServerResponsePart {
        var headers = HTTPHeaders([("Content-Length", "5")])
        if let name { headers.add(name: FileRegionHandoff.fieldName, value: name) }
        return .head(HTTPResponseHead(version: .http1_1, status: .partialContent, headers: headers))
    }

    @Test func aNamedFileIsSentInPlaceOfTheBodyAndItsFieldRemoved() async throws {
        let handoff = FileRegionHandoff()
        let file = try await Self.openBlob(Array("hello, sendfile".utf8))
        let channel = EmbeddedChannel(handler: FileRegionSender(handoff: handoff))
        let name = handoff.register(file, range: 7..<15)

        try channel.writeOutbound(Self.head(naming: name))
        try channel.writeOutbound(HTTPServerResponsePart.end(nil))

        guard case .head(let head) = try #require(try channel.readOutbound(as: HTTPServerResponsePart.self)) else {
            Issue.record("the head comes first"); return
        }
        #expect(!head.headers.contains(name: FileRegionHandoff.fieldName))
        guard case .body(.fileRegion(let region)) = try #require(try channel.readOutbound(as: HTTPServerResponsePart.self)) else {
            Issue.record("the file follows the head as a file region"); return
        }
        #expect(region.readerIndex == 7 && region.endIndex == 15)
        guard case .end = try #require(try channel.readOutbound(as: HTTPServerResponsePart.self)) else {
            Issue.record("the end follows the file"); return
        }
        #expect(handoff.waitingCount == 0)
        #expect(handoff.sent == 1)
        #expect(try channel.finish().isClean)
    }

    @Test func aResponseNamingNoFilePassesThroughUntouched() throws {
        let channel = EmbeddedChannel(handler: FileRegionSender(handoff: FileRegionHandoff()))
        try channel.writeOutbound(Self.head(naming: nil))
        try channel.writeOutbound(HTTPServerResponsePart.body(.byteBuffer(ByteBuffer(string: "bytes"))))
        try channel.writeOutbound(HTTPServerResponsePart.end(nil))
        guard case .head = try channel.readOutbound(as: HTTPServerResponsePart.self) else { Issue.record("head"); return }
        guard case .body(.byteBuffer(let body)) = try channel.readOutbound(as: HTTPServerResponsePart.self) else { Issue.record("body"); return }
        #expect(String(buffer: body) == "bytes")
        guard case .end = try channel.readOutbound(as: HTTPServerResponsePart.self) else { Issue.record("end"); return }
        #expect(try channel.finish().isClean)
    }

    /// A head naming a file that is not registered (or already sent) would promise bytes
    /// the connection cannot send: the connection is closed and nothing goes out.
    @Test func aHeadNamingAnUnknownFileClosesTheConnection() throws {
        let channel = EmbeddedChannel(handler: FileRegionSender(handoff: FileRegionHandoff()))
        #expect(throws: (any Error).self) { try channel.writeOutbound(Self.head(naming: "42")) }
        #expect(try channel.readOutbound(as: HTTPServerResponsePart.self) == nil)
        #expect(!channel.isActive)
    }

    @Test func aRegisteredFileIsTakenOnceAndForgottenAfterItsLifetime() async throws {
        let handoff = FileRegionHandoff()
        let file = try await Self.openBlob([1, 2, 3])
        let name = handoff.register(file, range: 0..<3)
        #expect(handoff.take(name)?.range == 0..<3)
        #expect(handoff.take(name) == nil)
        #expect(handoff.take("not a name") == nil)

        // Files whose responses never reached a connection are closed once they are old.
        let start = ContinuousClock.now
        for _ in 0..<16 { _ = handoff.register(file, range: 0..<3, now: start) }
        #expect(handoff.waitingCount == 16)
        _ = handoff.register(file, range: 0..<3, now: start + FileRegionHandoff.unclaimedLifetime + .seconds(1))
        #expect(handoff.waitingCount == 1)
    }

    /// On a real TCP connection the head of a file response is held back (`TCP_CORK`)
    /// until the file is written, so it leaves in the file's first segment, and the socket
    /// is uncorked once the file is out.
    @Test func aFileResponseCorksTheSocketUntilItsFileIsWritten() async throws {
        let handoff = FileRegionHandoff()
        let file = try await Self.openBlob(Array(repeating: 7, count: 100_000))
        let accepted = MultiThreadedEventLoopGroup.singleton.any().makePromise(of: (any Channel).self)
        let server = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .childChannelInitializer { child in
                child.eventLoop.makeCompletedFuture {
                    try child.pipeline.syncOperations.addHandler(HTTPResponseEncoder())
                    try child.pipeline.syncOperations.addHandler(FileRegionSender(handoff: handoff))
                    accepted.succeed(child)
                }
            }
            .bind(host: "127.0.0.1", port: 0).get()
        defer { try? server.close().wait() }
        let client = try await ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .connect(to: try #require(server.localAddress)).get()
        defer { try? client.close().wait() }
        let child = try await accepted.futureResult.get()
        let cork = ChannelOptions.Types.SocketOption(level: .tcp, name: NIOBSDSocket.Option(rawValue: CInt(TCP_CORK)))

        let name = handoff.register(file, range: 0..<100_000)
        let corkedAtHead = try await child.eventLoop.submit {
            child.write(HTTPServerResponsePart.head(
                HTTPResponseHead(version: .http1_1, status: .ok, headers: [FileRegionHandoff.fieldName: name, "Content-Length": "100000"])
            ), promise: nil)
            return try child.syncOptions!.getOption(cork)
        }.get()
        #expect(corkedAtHead == 1)
        try await child.writeAndFlush(HTTPServerResponsePart.end(nil)).get()
        let corkedAfter = try await child.eventLoop.submit { try child.syncOptions!.getOption(cork) }.get()
        #expect(corkedAfter == 0)
        #expect(handoff.sent == 1)
    }
}
