import AsyncHTTPClient
import Crypto
import Foundation
import NIOCore
import NIOHTTP1
import Testing

/// Uploads to a real `grey serve` process over loopback: a 1 GiB body streams through in
/// bounded memory, and a client that goes away mid-body leaves nothing behind.
@Suite(.serialized) struct UploadProcessTests {
    /// A deterministic body of `size` bytes in 1 MiB blocks, each block a little different.
    struct Generated: AsyncSequence, Sendable {
        typealias Element = ByteBuffer
        let size: Int64
        /// After this many bytes the sequence fails (a client that dies mid-upload).
        var failAfter: Int64?

        struct ClientGone: Error {}

        static func block(_ index: Int64) -> ByteBuffer {
            var block = ByteBuffer(repeating: UInt8(truncatingIfNeeded: index &* 31 &+ 7), count: 1 << 20)
            if index == 0 {
                // An ISO media `ftyp` box: libmagic reads the body as video/mp4.
                block.setBytes([0, 0, 0, 24] + Array("ftypisom".utf8) + [0, 0, 2, 0] + Array("isomiso2".utf8), at: 0)
            }
            block.setInteger(index, at: 24)
            return block
        }

        struct AsyncIterator: AsyncIteratorProtocol {
            let size: Int64
            let failAfter: Int64?
            var sent: Int64 = 0
            mutating func next() async throws -> ByteBuffer? {
                if let failAfter, sent >= failAfter { throw ClientGone() }
                guard sent < size else { return nil }
                var block = Generated.block(sent >> 20)
                let count = Int(Swift.min(Int64(block.readableBytes), size - sent))
                block.moveWriterIndex(to: count)
                sent += Int64(count)
                return block
            }
        }

        func makeAsyncIterator() -> AsyncIterator { AsyncIterator(size: size, failAfter: failAfter) }

        /// The body's SHA-256 as 64 hex digits.
        var sha256: String {
            var hasher = SHA256()
            var sent: Int64 = 0
            while sent < size {
                let block = Generated.block(sent >> 20)
                let count = Int(Swift.min(Int64(block.readableBytes), size - sent))
                block.withUnsafeReadableBytes { hasher.update(bufferPointer: UnsafeRawBufferPointer(rebasing: $0[0..<count])) }
                sent += Int64(count)
            }
            return hasher.finalize().map { String(format: "%02x", $0) }.joined()
        }
    }

    struct Started {
        let url: String
        let fileID: String
    }

    static func declare(
        port: Int, key: String, filename: String = "big.mp4", type: String = "video/mp4", size: Int64, sha256: String
    ) async throws -> Started {
        var request = HTTPClientRequest(url: "http://127.0.0.1:\(port)/v1/uploads")
        request.method = .POST
        request.headers.add(name: "Authorization", value: "Bearer \(key)")
        request.headers.add(name: "Content-Type", value: "application/json")
        request.body = .bytes(ByteBuffer(string: #"{"filename":"\#(filename)","contentType":"\#(type)","size":\#(size),"sha256":"\#(sha256)"}"#))
        let response = try await HTTPClient.shared.execute(request, timeout: .seconds(30))
        let body = try await response.body.collect(upTo: 1 << 20)
        let json = try JSONSerialization.jsonObject(with: Data(body.readableBytesView)) as? [String: Any]
        guard response.status == .created, let upload = json?["upload"] as? [String: Any], let url = upload["url"] as? String,
              let fileID = json?["fileId"] as? String
        else { throw UploadTestError("declare failed: \(response.status) \(String(buffer: body))") }
        return Started(url: url, fileID: fileID)
    }

    /// Declares `bytes` as `filename` of `type` and PUTs them to the signed URL; the file
    /// id and the PUT's status.
    static func upload(
        _ bytes: [UInt8], filename: String, type: String, port: Int, key: String
    ) async throws -> (fileID: String, status: HTTPResponseStatus) {
        let sha256 = SHA256.hash(data: bytes).map { String(format: "%02x", $0) }.joined()
        let started = try await declare(port: port, key: key, filename: filename, type: type, size: Int64(bytes.count), sha256: sha256)
        var request = HTTPClientRequest(url: started.url)
        request.method = .PUT
        request.headers.add(name: "Content-Type", value: type)
        request.body = .bytes(ByteBuffer(bytes: bytes))
        return (started.fileID, try await HTTPClient.shared.execute(request, timeout: .seconds(60)).status)
    }

    static func put(_ url: String, body: Generated) async throws -> (status: Int, body: String) {
        var request = HTTPClientRequest(url: url)
        request.method = .PUT
        request.headers.add(name: "Content-Type", value: "video/mp4")
        request.body = .stream(body, length: .known(body.size))
        let response = try await HTTPClient.shared.execute(request, timeout: .seconds(600))
        let text = try await response.body.collect(upTo: 1 << 20)
        return (Int(response.status.code), String(buffer: text))
    }

    /// The peak resident memory of a process, from /proc.
    static func peakResidentBytes(pid: Int32) throws -> Int64 {
        let status = try String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8)
        guard let line = status.split(separator: "\n").first(where: { $0.hasPrefix("VmHWM:") }),
              let kilobytes = line.split(separator: " ").dropFirst().first.flatMap({ Int64($0) })
        else { throw UploadTestError("no VmHWM in /proc/\(pid)/status") }
        return kilobytes * 1024
    }

    func withServer(_ body: (GreyProcess, ServeProcessTests.Ready, String) async throws -> Void) async throws {
        let data = try await TestDatabase.makeScratchDirectory("upload-serve")
        let server = try GreyProcess(["serve", "--data-dir", data, "--port", "0", "--workers", "0"])
        defer { server.signal(SIGKILL) }
        let ready = try await server.waitForError(ServeProcessTests.readyLine)
        try await body(server, ready, data)
        server.signal(SIGTERM)
        _ = try await server.waitForExit()
    }

    @Test func aGibibyteUploadStaysInBoundedMemory() async throws {
        try await withServer { server, ready, data in
            let body = Generated(size: 1 << 30)
            let started = try await Self.declare(port: ready.port, key: ready.developmentKey, size: body.size, sha256: body.sha256)
            let put = try await Self.put(started.url, body: body)
            #expect(put.status == 201, "\(put.body)")
            #expect(put.body.contains(#""status":"processing""#))
            let peak = try Self.peakResidentBytes(pid: server.pid)
            #expect(peak < 100 << 20, "peak resident memory \(peak >> 20) MiB")
            let stored = try FileManager.default.attributesOfItem(atPath: data + "/blobs/blobs/" + String(body.sha256.prefix(2)) + "/"
                + String(body.sha256.dropFirst(2).prefix(2)) + "/" + body.sha256)
            #expect((stored[.size] as? Int64) == body.size)
        }
    }

    @Test func aClientGoneMidUploadLeavesNothing() async throws {
        try await withServer { _, ready, data in
            let full = Generated(size: 64 << 20)
            let started = try await Self.declare(port: ready.port, key: ready.developmentKey, size: full.size, sha256: full.sha256)
            await #expect(throws: (any Error).self) {
                _ = try await Self.put(started.url, body: Generated(size: full.size, failAfter: 8 << 20))
            }
            let staging = data + "/blobs/staging"
            let cleared = try await eventually(timeout: .seconds(10)) {
                try FileManager.default.contentsOfDirectory(atPath: staging).isEmpty
            }
            #expect(cleared, "staging still holds files")
            #expect(try FileManager.default.contentsOfDirectory(atPath: data + "/blobs/blobs").isEmpty)
            // The file still waits for its bytes: a new attempt on the same URL succeeds.
            let retry = try await Self.put(started.url, body: full)
            #expect(retry.status == 201, "\(retry.body)")
        }
    }
}
