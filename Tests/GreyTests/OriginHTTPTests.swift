import Crypto
import Foundation
import HTTPTypes
import HummingbirdTesting
import NIOCore
import Preview
@testable import Server
import Storage
import Testing

/// The origin through the real router: download URLs for ready files only, the bytes with
/// their validators and ranges, the disposition rules, and signatures that bind the file,
/// the tenant and the disposition; on each blob store.
@Suite struct OriginHTTPTests {
    /// A download URL (path and query) of `fileID`, or the raw answer when refused.
    static func downloadURL(_ uploads: UploadClient, _ fileID: String, json: String = "{}") async throws -> (TestResponse, String?) {
        let response = try await uploads.client.send(.post, "/v1/files/\(fileID)/download-url", key: uploads.key, json: json)
        return (response, (response.json["url"] as? String).map(UploadClient.pathAndQuery))
    }

    static func get(_ client: any TestClientProtocol, _ url: String, method: HTTPRequest.Method = .get, headers: HTTPFields = [:]) async throws -> TestResponse {
        try await client.executeRequest(uri: url, method: method, headers: headers, body: nil)
    }

    @Test(arguments: TestBlobStore.allCases)
    func aReadyFileIsServedWithValidatorsAndRanges(store: TestBlobStore) async throws {
        try await withPipeline(live: true, store: store) { uploads, app in
            let sample = Sample.named("clip.mp4")
            let bytes = try sample.bytes
            let started = try await uploads.start(sample)
            // Not downloadable before it is ready.
            #expect(try await Self.downloadURL(uploads, started.fileID).0.json["code"] as? String == "not_ready")
            _ = try await uploads.put(started.url, bytes: bytes, contentType: started.contentType)
            _ = try await eventually(timeout: .seconds(30)) { try await uploads.file(started.fileID).json["status"] as? String == "ready" }

            let (answer, url) = try await Self.downloadURL(uploads, started.fileID, json: #"{"disposition":"inline","ttlSeconds":60}"#)
            #expect(answer.status == .ok)
            let link = try #require(url)
            let whole = try await Self.get(uploads.client, link)
            #expect(whole.status == .ok)
            #expect(Array(whole.body.readableBytesView) == bytes)
            #expect(whole.headers[.contentType] == "video/mp4")
            #expect(whole.headers[.eTag] == "\"\(sample.sha256)\"")
            #expect(whole.headers[.acceptRanges] == "bytes")
            #expect(whole.headers[HTTPField.Name("X-Content-Type-Options")!] == "nosniff")
            #expect(whole.headers[.contentDisposition] == "inline; filename=\"clip.mp4\"; filename*=UTF-8''clip.mp4")

            let suffix = try await Self.get(uploads.client, link, headers: [.range: "bytes=-100"])
            #expect(suffix.status == .partialContent)
            #expect(suffix.headers[.contentRange] == "bytes \(bytes.count - 100)-\(bytes.count - 1)/\(bytes.count)")
            #expect(Array(suffix.body.readableBytesView) == Array(bytes.suffix(100)))

            let multipart = try await Self.get(uploads.client, link, headers: [.range: "bytes=0-3,10-13"])
            #expect(multipart.status == .partialContent)
            let text = String(decoding: multipart.body.readableBytesView, as: UTF8.self)
            #expect(text.contains("Content-Range: bytes 0-3/\(bytes.count)") && text.contains("Content-Range: bytes 10-13/\(bytes.count)"))
            #expect(multipart.headers[.contentLength] == String(multipart.body.readableBytes))

            let past = try await Self.get(uploads.client, link, headers: [.range: "bytes=\(bytes.count)-"])
            #expect(past.status == .rangeNotSatisfiable)
            #expect(past.headers[.contentRange] == "bytes */\(bytes.count)")

            let cached = try await Self.get(uploads.client, link, headers: [.ifNoneMatch: "\"\(sample.sha256)\""])
            #expect(cached.status == .notModified)
            #expect(cached.body.readableBytes == 0)

            let head = try await Self.get(uploads.client, link, method: .head)
            #expect(head.status == .ok)
            #expect(head.headers[.contentLength] == String(bytes.count))
            #expect(head.body.readableBytes == 0)

            // The signature binds the disposition and the file.
            let swapped = link.replacingOccurrences(of: "disposition=inline", with: "disposition=attachment")
            #expect(try await Self.get(uploads.client, swapped).json["code"] as? String == "bad_signature")
            let other = try await uploads.start(Sample.named("photo.png"))
            let moved = link.replacingOccurrences(of: started.fileID, with: other.fileID)
            #expect(try await Self.get(uploads.client, moved).status == .forbidden)
            #expect(try await Self.downloadURL(uploads, started.fileID, json: #"{"ttlSeconds":0}"#).0.status == .badRequest)

            // On the filesystem store the first whole read went out with sendfile(2); the
            // suffix range was answered on the connection from the clip's bytes, held in
            // memory once read (it is under 64 KiB). The other stores' went out as read. No
            // registered file was left behind, none was named to a client.
            #expect(app.fileRegions.sent == (store == .fileSystem ? 1 : 0))
            #expect(app.fileRegions.waitingCount == 0)
            #expect(whole.headers[HTTPField.Name("x-grey-file-region")!] == nil)
        }
    }

    /// Hot reads answered on the connection (``DirectReads``) are the router's answers,
    /// field for field and byte for byte, for every form of read; multipart answers stay
    /// with the router.
    @Test func readsAnsweredOnTheConnectionMatchTheRouters() async throws {
        try await withPipeline(live: true) { uploads, app in
            let (bytes, link, fileID) = try await Self.readyNoise(uploads)
            let tag = "\"\(BlobDigest(bytes: Array(SHA256.hash(data: bytes)))!.hex)\""
            let cases: [(method: HTTPRequest.Method, fields: HTTPFields)] = [
                (.get, [:]), (.head, [:]),
                (.get, [.range: "bytes=0-99"]), (.get, [.range: "bytes=-100"]), (.get, [.range: "bytes=100-"]),
                (.head, [.range: "bytes=0-99"]),
                (.get, [.range: "bytes=\(bytes.count)-"]),
                (.get, [.ifNoneMatch: tag]), (.get, [.ifNoneMatch: "*"]), (.get, [.ifNoneMatch: "\"other\""]),
                (.get, [.ifModifiedSince: "Fri, 01 Jan 2100 00:00:00 GMT"]),
                (.get, [.ifMatch: "\"other\""]),
                (.get, [.range: "bytes=0-9", .ifRange: tag]), (.get, [.range: "bytes=0-9", .ifRange: "W/\(tag)"]),
                (.get, [.range: "bytes=0-9", .ifRange: "\"other\""]),
                (.get, [.range: "bytes=0-3,10-13"]),
            ]
            func answers() async throws -> [(status: HTTPResponse.Status, fields: [String], body: [UInt8])] {
                var answers: [(status: HTTPResponse.Status, fields: [String], body: [UInt8])] = []
                for (method, fields) in cases {
                    let answer = try await Self.get(uploads.client, link, method: method, headers: fields)
                    let kept = answer.headers.filter { ![.date, HTTPField.Name("X-Request-Id")!].contains($0.name) }
                    answers.append((answer.status, kept.map { "\($0.name): \($0.value)" }.sorted(), Array(answer.body.readableBytesView)))
                }
                return answers
            }

            app.directReads.isEnabled = false
            let routed = try await answers()
            #expect(app.directReads.answeredCount == 0)
            app.directReads.isEnabled = true
            let sentBefore = app.fileRegions.sent
            let direct = try await answers()
            // The PNG is above 64 KiB: its direct answers with bytes went out with sendfile(2).
            #expect(app.fileRegions.sent - sentBefore == 8)
            #expect(app.directReads.answeredCount == cases.count - 1, "all but the multipart read")
            for (index, (routed, direct)) in zip(routed, direct).enumerated() {
                #expect(direct.status == routed.status, "\(cases[index])")
                #expect(direct.fields == routed.fields, "\(cases[index])")
                #expect(direct.body == routed.body, "\(cases[index])")
            }
            #expect(routed.map(\.status.code) == [200, 200, 206, 206, 206, 206, 416, 304, 304, 200, 304, 412, 206, 200, 200, 206])

            // A preview: the router's answer fills the caches, the next is answered directly.
            let file = try await uploads.file(fileID)
            let previews = try #require(file.json["previews"] as? [[String: Any]])
            let preview = UploadClient.pathAndQuery(try #require(previews.first?["url"] as? String))
            let before = app.directReads.answeredCount
            let first = try await Self.get(uploads.client, preview)
            let second = try await Self.get(uploads.client, preview)
            #expect(app.directReads.answeredCount == before + 1)
            #expect(first.status == .ok && second.status == .ok)
            #expect(Array(second.body.readableBytesView) == Array(first.body.readableBytesView))
            #expect(second.headers[.contentType] == first.headers[.contentType] && second.headers[.eTag] == first.headers[.eTag])
            #expect(app.fileRegions.waitingCount == 0)
        }
    }

    /// A read URL answered on the connection is checked like any other: once it expires,
    /// once it is changed, once its file is deleted, the router refuses it as before.
    @Test func readsAnsweredOnTheConnectionStopWithTheirURLAndFile() async throws {
        try await withPipeline(live: true) { uploads, app in
            let (_, _, fileID) = try await Self.readyNoise(uploads)
            // Long enough for three reads on a loaded machine; the test waits out the rest.
            let link = try #require(try await Self.downloadURL(uploads, fileID, json: #"{"ttlSeconds":8}"#).1)
            #expect(try await Self.get(uploads.client, link).status == .ok)
            let before = app.directReads.answeredCount
            #expect(try await Self.get(uploads.client, link).status == .ok)
            #expect(app.directReads.answeredCount == before + 1)

            let tampered = link.replacingOccurrences(of: "sig=", with: "sig=A")
            #expect(try await Self.get(uploads.client, tampered).json["code"] as? String == "bad_signature")
            let expires = try #require(URLComponents(string: link)?.queryItems?.first { $0.name == "expires" }?.value.flatMap(Double.init))
            try await Task.sleep(for: .seconds(max(0, expires - Date().timeIntervalSince1970) + 0.2))
            #expect(try await Self.get(uploads.client, link).json["code"] as? String == "url_expired")

            let fresh = try #require(try await Self.downloadURL(uploads, fileID).1)
            #expect(try await Self.get(uploads.client, fresh).status == .ok)
            #expect(try await Self.get(uploads.client, fresh).status == .ok)
            #expect(try await uploads.client.send(.delete, "/v1/files/\(fileID)", key: uploads.key).status == .noContent)
            #expect(try await Self.get(uploads.client, fresh).status == .notFound)
            // Both reads of the fresh URL: its file and blob were already held.
            #expect(app.directReads.answeredCount == before + 3)
        }
    }

    /// The file name goes out twice (RFC 6266): ASCII-safe and percent-encoded UTF-8;
    /// a plain name is the same in both.
    @Test func contentDispositionNamesTheFileSafely() {
        #expect(ContentController.contentDisposition(filename: "receipt-2026_11.pdf", type: "application/pdf", asked: .inline)
            == "inline; filename=\"receipt-2026_11.pdf\"; filename*=UTF-8''receipt-2026_11.pdf")
        #expect(ContentController.contentDisposition(filename: "Reçu \"mars\".pdf", type: "application/pdf", asked: .inline)
            == "inline; filename=\"Re_u _mars_.pdf\"; filename*=UTF-8''Re%C3%A7u%20%22mars%22.pdf")
        #expect(ContentController.contentDisposition(filename: "sheet.xlsx", type: "application/zip", asked: .inline)
            == "attachment; filename=\"sheet.xlsx\"; filename*=UTF-8''sheet.xlsx")
    }

    /// ffprobe and ffmpeg read the MP4 sample over HTTP: they find its moov box at the end
    /// and seek to a frame with range requests.
    @Test(arguments: TestBlobStore.allCases)
    func ffmpegSeeksInTheSampleVideoOverHTTP(store: TestBlobStore) async throws {
        try await withPipeline(live: true, store: store) { uploads, _ in
            let port = try #require(uploads.client.port)
            let sample = Sample.named("clip.mp4")
            let started = try await uploads.start(sample)
            _ = try await uploads.put(started.url, bytes: try sample.bytes, contentType: started.contentType)
            _ = try await eventually(timeout: .seconds(30)) { try await uploads.file(started.fileID).json["status"] as? String == "ready" }
            let path = try #require(try await Self.downloadURL(uploads, started.fileID, json: #"{"disposition":"inline"}"#).1)
            let url = "http://127.0.0.1:\(port)\(path)"

            let probe = try await Self.run("ffprobe", ["-v", "error", "-show_entries", "format=duration", "-of", "csv=p=0", url])
            let duration = try #require(Double(probe.trimmingCharacters(in: .whitespacesAndNewlines)))
            #expect(abs(duration * 1000 - Double(sample.durationMs ?? 0)) <= 100, "\(probe)")

            let frame = FileManager.default.temporaryDirectory.appendingPathComponent("grey-frame-\(UUID().uuidString).png").path
            defer { try? FileManager.default.removeItem(atPath: frame) }
            _ = try await Self.run("ffmpeg", ["-v", "error", "-y", "-ss", "1", "-i", url, "-frames:v", "1", frame])
            let header = try Vips.header(of: Array(try Data(contentsOf: URL(fileURLWithPath: frame))))
            #expect(header.width == sample.width && header.height == sample.height)
        }
    }

    /// Runs a program from PATH to completion; its standard output, or an error with its
    /// standard error when it fails.
    /// Runs `program` on a thread of its own: blocking a thread of Swift's cooperative pool
    /// (two on two cores) would starve the in-process server the program talks to.
    static func run(_ program: String, _ arguments: [String]) async throws -> String {
        try await withCheckedThrowingContinuation { continuation in
            Thread.detachNewThread { continuation.resume(with: Result { try runBlocking(program, arguments) }) }
        }
    }

    private static func runBlocking(_ program: String, _ arguments: [String]) throws -> String {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = [program] + arguments
        let output = Pipe(), errors = Pipe()
        process.standardOutput = output
        process.standardError = errors
        try process.run()
        let text = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        let problems = String(decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        guard process.terminationStatus == 0 else { throw UploadTestError("\(program) failed: \(problems)") }
        return text
    }

    @Test(arguments: TestBlobStore.allCases)
    func documentsAreAlwaysAttachments(store: TestBlobStore) async throws {
        try await withPipeline(store: store) { uploads, _ in
            let sample = Sample.named("document.docx")
            let started = try await uploads.start(sample)
            _ = try await uploads.put(started.url, bytes: try sample.bytes, contentType: started.contentType)
            _ = try await eventually(timeout: .seconds(30)) { try await uploads.file(started.fileID).json["status"] as? String == "ready" }
            let url = try #require(try await Self.downloadURL(uploads, started.fileID, json: #"{"disposition":"inline"}"#).1)
            let response = try await Self.get(uploads.client, url)
            #expect(response.status == .ok)
            #expect(response.headers[.contentDisposition]?.hasPrefix("attachment;") == true)
        }
    }

    /// A ready PNG of noise, about 270 KB (five 64 KiB segments when encrypted): its bytes
    /// and a download URL.
    static func readyNoise(_ uploads: UploadClient) async throws -> (bytes: [UInt8], url: String, fileID: String) {
        let side = 300
        let pixels = (0..<side * side * 3).map { _ in UInt8.random(in: 0...255) }
        let bytes = try Vips.encode(pixels: pixels, width: side, height: side, bands: 3, as: .png)
        let sha256 = BlobDigest(bytes: Array(SHA256.hash(data: bytes)))!.hex
        let declared = try await uploads.declare(filename: "noise.png", contentType: "image/png", size: bytes.count, sha256: sha256)
        let fileID = try #require(declared.json["fileId"] as? String)
        let url = try #require((declared.json["upload"] as? [String: Any])?["url"] as? String)
        _ = try await uploads.put(UploadClient.pathAndQuery(url), bytes: bytes, contentType: "image/png")
        _ = try await eventually(timeout: .seconds(30)) { try await uploads.file(fileID).json["status"] as? String == "ready" }
        let link = try #require(try await Self.downloadURL(uploads, fileID).1)
        return (bytes, link, fileID)
    }

    /// Ranges at and across the 64 KiB boundaries, single and several, give the stored
    /// bytes exactly on every store (an encrypted one decrypts only the segments it needs).
    @Test(arguments: TestBlobStore.allCases)
    func rangesAcrossSegmentBoundariesGiveTheExactBytes(store: TestBlobStore) async throws {
        try await withPipeline(live: true, store: store) { uploads, _ in
            let (bytes, link, _) = try await Self.readyNoise(uploads)
            let size = bytes.count
            let segment = 65_536
            for (first, last) in [(0, 0), (segment - 1, segment), (segment, segment), (segment - 10, 3 * segment + 10), (2 * segment + 1, size - 1), (size - 1, size - 1)] {
                let answer = try await Self.get(uploads.client, link, headers: [.range: "bytes=\(first)-\(last)"])
                #expect(answer.status == .partialContent, "\(first)-\(last)")
                #expect(Array(answer.body.readableBytesView) == Array(bytes[first...last]), "\(first)-\(last)")
            }
            let whole = try await Self.get(uploads.client, link)
            #expect(Array(whole.body.readableBytesView) == bytes)
            let parts = try await Self.get(uploads.client, link, headers: [.range: "bytes=\(segment - 2)-\(segment + 1),\(size - 3)-"])
            let text = String(decoding: parts.body.readableBytesView, as: UTF8.self)
            #expect(text.contains("Content-Range: bytes \(segment - 2)-\(segment + 1)/\(size)"))
            #expect(parts.headers[.contentLength] == String(parts.body.readableBytes))
        }
    }

    /// A byte changed in an encrypted blob at rest: the read is refused with a problem (no
    /// wrong byte is served) and counted in `grey_blob_integrity_failures_total`.
    @Test func aChangedByteAtRestIsRefusedAndCounted() async throws {
        try await withPipeline(store: .encrypted) { uploads, app in
            let (bytes, link, _) = try await Self.readyNoise(uploads)
            let digest = BlobDigest(bytes: Array(SHA256.hash(data: bytes)))!
            let path = try FileSystemBlobStore(root: app.configuration.blobDirectory, removingLeftovers: false).path(of: digest)
            // Within the first segment's ciphertext, past the 105-byte header.
            let handle = try #require(FileHandle(forUpdatingAtPath: path))
            try handle.seek(toOffset: 1_000)
            let original = try #require(try handle.read(upToCount: 1))
            try handle.seek(toOffset: 1_000)
            try handle.write(contentsOf: Data([original[0] ^ 0x01]))
            try handle.close()

            let whole = try await Self.get(uploads.client, link)
            #expect(whole.status == .internalServerError)
            #expect(whole.json["code"] as? String == "blob_integrity")
            #expect(!whole.text.contains(String(decoding: bytes.prefix(64), as: UTF8.self)))
            let range = try await Self.get(uploads.client, link, headers: [.range: "bytes=10-20"])
            #expect(range.json["code"] as? String == "blob_integrity")
            // A range in an untouched segment is still served.
            let later = try await Self.get(uploads.client, link, headers: [.range: "bytes=70000-70009"])
            #expect(Array(later.body.readableBytesView) == Array(bytes[70_000...70_009]))

            let metrics = try await uploads.client.send(.get, "/metrics").text
            #expect(metrics.contains("grey_blob_integrity_failures_total 2"), "\(metrics.split(separator: "\n").filter { $0.contains("integrity") })")
        }
    }
}
