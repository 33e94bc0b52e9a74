import Foundation
import HTTPTypes
import HummingbirdTesting
import NIOCore
import Preview
import Storage
import Testing

/// Uploads through the API, processed by a real `FileProcessor` (libvips, poppler, libav,
/// zlib) under a `JobWorker` on the same database: every good sample becomes ready with
/// its previews and measures, every bad one is rejected with its code and its bytes go;
/// on each blob store (workers then decode a temporary copy of a remote blob).
@Suite struct PreviewPipelineTests {
    @Test(arguments: Sample.good, TestBlobStore.allCases)
    func everyGoodSampleBecomesReady(_ sample: Sample, store: TestBlobStore) async throws {
        try await withPipeline(store: store) { uploads, app in
            let file = try await uploads.uploadAndSettle(sample)
            #expect(file["status"] as? String == "ready", "\(file)")
            let media = file["media"] as? [String: Any] ?? [:]
            let previews = file["previews"] as? [[String: Any]] ?? []
            let kinds = Set(previews.compactMap { $0["kind"] as? String })
            switch sample.filename.split(separator: ".").last! {
            case "jpg", "png", "heic", "webp", "gif":
                #expect(kinds == ["thumbnail"])
                #expect(media["width"] as? Int == sample.width && media["height"] as? Int == sample.height, "\(media)")
                // 640x480 samples get both sizes; the 160x120 GIF only its own size.
                #expect(previews.count == ((sample.width ?? 0) > 256 ? 2 : 1))
            case "mp4", "mov":
                #expect(kinds == ["still"])
                #expect(media["width"] as? Int == sample.width && media["height"] as? Int == sample.height)
                #expect(abs((media["durationMs"] as? Int ?? 0) - (sample.durationMs ?? -1_000)) <= 100, "\(media)")
                #expect(media["videoCodec"] as? String == "h264")
                #expect(media["audioCodec"] as? String == "aac")
            case "mp3", "wav":
                #expect(kinds == ["waveform"])
                #expect(abs((media["durationMs"] as? Int ?? 0) - (sample.durationMs ?? -1_000)) <= 100, "\(media)")
                #expect(media["channels"] as? Int == 1)
                #expect((media["sampleRate"] as? Int ?? 0) > 0)
            case "pdf":
                #expect(kinds == ["page"])
                #expect(media["pages"] as? Int == sample.pages)
            default:
                // docx and xlsx are validated and get no preview.
                #expect(previews.isEmpty)
            }
            // Each preview's signed URL serves an image of the size the file lists.
            for preview in previews {
                let url = try #require(preview["url"] as? String)
                let response = try await uploads.client.executeRequest(uri: UploadClient.pathAndQuery(url), method: .get, headers: [:], body: nil)
                #expect(response.status == .ok)
                #expect(response.headers[.contentType] == preview["contentType"] as? String)
                #expect(response.headers[HTTPField.Name("X-Content-Type-Options")!] == "nosniff")
                let header = try Vips.header(of: Array(response.body.readableBytesView))
                #expect(header.width == preview["width"] as? Int && header.height == preview["height"] as? Int)
                let tampered = UploadClient.pathAndQuery(url).replacingOccurrences(of: "-\(header.width)?", with: "-\(header.width + 1)?")
                #expect(try await uploads.client.executeRequest(uri: tampered, method: .get, headers: [:], body: nil).status == .forbidden)
            }
            #expect(try await app.blobs.head(BlobDigest(hex: sample.sha256)!) != nil)
        }
    }

    @Test func photoThumbnailsFollowTheExifOrientation() async throws {
        try await withPipeline { uploads, _ in
            let file = try await uploads.uploadAndSettle(Sample.named("photo.jpg"))
            let previews = file["previews"] as? [[String: Any]] ?? []
            // Stored 640x480 with Orientation 6: shown, and so previewed, 480 wide and 640 tall.
            #expect(previews.map { [$0["width"] as? Int, $0["height"] as? Int] } == [[192, 256], [480, 640]])
            // The scrape after it observes its upload-to-ready time.
            let metrics = try await uploads.client.executeRequest(uri: "/metrics", method: .get, headers: [:], body: nil)
            let text = String(buffer: metrics.body)
            #expect(text.contains(#"grey_files_upload_to_settled_seconds_count{outcome="ready"} 1"#), "\(text)")
            #expect(text.contains("grey_jobs_retrying 0"))
        }
    }

    @Test(arguments: Sample.all.filter { !["ok", "type_mismatch", "empty"].contains($0.expected) }, TestBlobStore.allCases)
    func badSamplesAreRejected(_ sample: Sample, store: TestBlobStore) async throws {
        try await withPipeline(store: store) { uploads, app in
            let file = try await uploads.uploadAndSettle(sample)
            #expect(file["status"] as? String == "rejected")
            let rejection = file["rejection"] as? [String: Any] ?? [:]
            #expect(rejection["code"] as? String == sample.expected, "\(rejection)")
            #expect((rejection["detail"] as? String)?.isEmpty == false)
            #expect((file["previews"] as? [Any] ?? []).isEmpty)
            // A rejected file's bytes are deleted (just after the status changes) when no
            // other file needs them.
            #expect(try await eventually { try await app.blobs.head(BlobDigest(hex: sample.sha256)!) == nil })
            #expect(try await uploads.client.executeRequest(uri: "/readyz", method: .get, headers: [:], body: nil).status == .ok)
        }
    }
}

extension UploadClient {
    /// Uploads `sample` through its signed URL and waits until it is ready or rejected;
    /// returns the file's JSON.
    func uploadAndSettle(_ sample: Sample, transactionID: String? = nil, timeout: Duration = .seconds(60)) async throws -> [String: Any] {
        let started = try await start(sample, transactionID: transactionID)
        let put = try await put(started.url, bytes: try sample.bytes, contentType: started.contentType)
        guard put.status == .created else { throw UploadTestError("uploading \(sample) failed: \(put.status) \(put.text)") }
        let deadline = ContinuousClock.now + timeout
        while ContinuousClock.now < deadline {
            let file = try await file(started.fileID).json
            if let status = file["status"] as? String, status == "ready" || status == "rejected" { return file }
            try await Task.sleep(for: .milliseconds(50))
        }
        throw UploadTestError("\(sample) did not settle within \(timeout)")
    }
}
