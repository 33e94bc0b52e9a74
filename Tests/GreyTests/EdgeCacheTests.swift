import AsyncHTTPClient
import Foundation
import HTTPTypes
import HummingbirdTesting
import NIOCore
import NIOHTTP1
import Signing
import Testing

/// A real nginx in front of a live origin: the first read is a MISS, another valid URL
/// for the same file is a HIT without reaching the origin, ranges come from cached slices,
/// and a forged or expired signature is 403 even for a cached object.
@Suite(.serialized) struct EdgeCacheTests {
    /// How many reads of file contents the origin has answered (from its /metrics).
    static func originReads(_ client: any TestClientProtocol) async throws -> Int {
        let metrics = try await client.executeRequest(uri: "/metrics", method: .get, headers: [:], body: nil)
        return String(buffer: metrics.body).split(separator: "\n")
            .filter { $0.hasPrefix(#"grey_http_requests_total{route="/v1/files/{fileId}/content""#) }
            .compactMap { $0.split(separator: " ").last.flatMap { Int($0) } }
            .reduce(0, +)
    }

    static func get(_ url: String, range: String? = nil) async throws -> (status: Int, cache: String?, body: [UInt8]) {
        var request = HTTPClientRequest(url: url)
        if let range { request.headers.add(name: "Range", value: range) }
        let response = try await HTTPClient.shared.execute(request, timeout: .seconds(30))
        let body = try await response.body.collect(upTo: 16 << 20)
        return (Int(response.status.code), response.headers.first(name: "X-Cache-Status"), Array(body.readableBytesView))
    }

    @Test func theEdgeCachesSignedReadsAndRefusesBadSignatures() async throws {
        try await withPipeline(live: true) { uploads, _ in
            let sample = Sample.named("clip.mp4")
            let bytes = try sample.bytes
            let started = try await uploads.start(sample)
            _ = try await uploads.put(started.url, bytes: bytes, contentType: started.contentType)
            _ = try await eventually(timeout: .seconds(30)) { try await uploads.file(started.fileID).json["status"] as? String == "ready" }

            let edge = try EdgeProcess(originPort: try #require(uploads.client.port), signingKeys: TestApp.signingKeys.active.exported)
            defer { edge.stop() }
            try await edge.waitUntilListening()
            let base = "http://127.0.0.1:\(edge.port)"
            func signedPath(ttl: Int = 300) async throws -> String {
                try #require(try await OriginHTTPTests.downloadURL(uploads, started.fileID, json: #"{"disposition":"inline","ttlSeconds":\#(ttl)}"#).1)
            }

            let first = try await Self.get(base + (try await signedPath()))
            #expect(first.status == 200 && first.cache == "MISS")
            #expect(first.body == bytes)

            // Another valid signature for the same file: served from the cache alone.
            // A second later: another expiry, so another signature, and the origin's counter
            // has surely counted the first read.
            try await Task.sleep(for: .seconds(1.1))
            let before = try await Self.originReads(uploads.client)
            let other = try await signedPath(ttl: 600)
            let second = try await Self.get(base + other)
            #expect(second.status == 200 && second.cache == "HIT")
            #expect(second.body == bytes)
            let ranged = try await Self.get(base + other, range: "bytes=1000-1999")
            #expect(ranged.status == 206 && ranged.cache == "HIT")
            #expect(ranged.body == Array(bytes[1000...1999]))
            #expect(try await Self.originReads(uploads.client) == before)

            // A forged signature, another file's signature moved here, an expired URL: 403,
            // though the object is in the cache.
            let forged = other.replacingOccurrences(of: "sig=", with: "sig=A")
            #expect(try await Self.get(base + forged).status == 403)
            let shortLived = try await signedPath(ttl: 1)
            try await Task.sleep(for: .seconds(2.1))
            #expect(try await Self.get(base + shortLived).status == 403)
            #expect(try await Self.originReads(uploads.client) == before)
        }
    }
}
