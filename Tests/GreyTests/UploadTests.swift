import Foundation
import HTTPTypes
import HummingbirdTesting
import Server
import Signing
import Storage
import Testing

/// Signed uploads end to end through the real router, PostgreSQL, libmagic and each blob
/// store (the filesystem's, and S3 on SeaweedFS).
@Suite struct UploadTests {
    /// Runs `body` with an upload client of a fresh app.
    func withUploads(
        store: TestBlobStore = .fileSystem, _ body: @Sendable @escaping (UploadClient, TestApp) async throws -> Void
    ) async throws {
        let app = try await TestApp.make(store: store)
        let key = try await app.makeKey()
        try await app.test { client in try await body(UploadClient(client: client, key: key), app) }
    }

    @Test(arguments: Sample.good, TestBlobStore.allCases)
    func eachSampleTypeUploads(_ sample: Sample, store: TestBlobStore) async throws {
        try await withUploads(store: store) { uploads, app in
            let started = try await uploads.start(sample)
            let put = try await uploads.put(started.url, bytes: try sample.bytes, contentType: started.contentType)
            #expect(put.status == .created, "\(put.text)")
            #expect(put.json["status"] as? String == "processing")
            let file = try await uploads.file(started.fileID)
            #expect(file.json["status"] as? String == "processing")
            #expect(file.json["sha256"] as? String == sample.sha256)
            #expect(try await app.blobs.head(BlobDigest(hex: sample.sha256)!)?.size == Int64(sample.size))

            // Upload URLs are single use.
            let again = try await uploads.put(started.url, bytes: try sample.bytes, contentType: started.contentType)
            #expect(again.status == .conflict)
            #expect(again.json["code"] as? String == "already_uploaded")
        }
    }

    @Test(arguments: Sample.all.filter { $0.expected == "type_mismatch" }, TestBlobStore.allCases)
    func bytesOfAnotherTypeAreRefused(_ sample: Sample, store: TestBlobStore) async throws {
        try await withUploads(store: store) { uploads, app in
            let started = try await uploads.start(sample)
            let put = try await uploads.put(started.url, bytes: try sample.bytes, contentType: started.contentType)
            #expect(put.status == .unsupportedMediaType)
            #expect(put.json["code"] as? String == "type_mismatch")
            // The signed sha256 fixes the bytes, so the file is rejected for good.
            try await expectNothingStored(app, uploads: uploads, fileID: started.fileID, sha256: sample.sha256, status: "rejected")
            let file = try await uploads.file(started.fileID)
            #expect((file.json["rejection"] as? [String: Any])?["code"] as? String == "type_mismatch")
        }
    }

    @Test func declarationsAreChecked() async throws {
        try await withUploads { uploads, _ in
            let sha = String(repeating: "0", count: 64)
            let cases: [(String, String, Int, String, Int, String)] = [
                ("a.exe", "application/octet-stream", 10, sha, 415, "unsupported_type"),
                ("receipt", "image/jpeg", 10, sha, 415, "unsupported_type"),
                ("a.jpg", "image/png", 10, sha, 415, "unsupported_type"),
                ("a.jpg", "image/jpeg", 0, sha, 422, "empty_file"),
                ("a.jpg", "image/jpeg", 200 << 20 + 1, sha, 413, "too_large"),
                ("a.mp4", "video/mp4", 5 << 30 + 1, sha, 413, "too_large"),
                ("a.jpg", "image/jpeg", 10, "xyz", 400, "invalid_request"),
            ]
            for (name, type, size, sha256, status, code) in cases {
                let response = try await uploads.declare(filename: name, contentType: type, size: size, sha256: sha256)
                #expect(response.status.code == status, "\(name) \(type) \(size)")
                #expect(response.json["code"] as? String == code, "\(name) \(type) \(size)")
            }
            let video = try await uploads.declare(filename: "Clip.MOV", contentType: "video/quicktime", size: 5 << 30, sha256: sha)
            #expect(video.status == .created)
        }
    }

    @Test func signaturesBindEverySignedPart() async throws {
        try await withUploads { uploads, app in
            let sample = Sample.named("photo.jpg")
            let bytes = try sample.bytes
            let started = try await uploads.start(sample)
            let other = try await uploads.start(Sample.named("photo.png"))

            func replacing(_ name: String, with value: String) -> String {
                let (path, query) = split(started.url)
                return path + "?" + query.split(separator: "&").map { $0.hasPrefix(name + "=") ? "\(name)=\(value)" : String($0) }.joined(separator: "&")
            }
            let tampered = [
                replacing("sig", with: "AAAA" + String(split(started.url).1.split(separator: "&").last!.dropFirst(8))),
                replacing("size", with: "26066"),
                replacing("type", with: "image%2Fpng"),
                replacing("sha256", with: other.url.components(separatedBy: "sha256=")[1].prefix(64).description),
                replacing("expires", with: "9999999999"),
                started.url.replacingOccurrences(of: started.fileID, with: other.fileID),
                split(started.url).0,
            ]
            for url in tampered {
                let put = try await uploads.put(url, bytes: bytes, contentType: started.contentType)
                #expect(put.status == .forbidden, "\(url)")
                #expect(put.json["code"] as? String == "bad_signature", "\(url)")
            }

            // Signed right, but expired.
            let signer = URLSigner(keys: TestApp.signingKeys)
            let (path, query) = split(started.url)
            let parameters = query.split(separator: "&").compactMap { pair -> (name: String, value: String)? in
                let parts = pair.split(separator: "=", maxSplits: 1).map { String($0).removingPercentEncoding! }
                return ["tenant", "size", "sha256", "type"].contains(parts[0]) ? (parts[0], parts[1]) : nil
            }
            let expired = path + "?" + signer.signedQuery(method: "PUT", path: path, parameters: parameters, expires: Date().addingTimeInterval(-1))
            let late = try await uploads.put(expired, bytes: bytes, contentType: started.contentType)
            #expect(late.status == .forbidden)
            #expect(late.json["code"] as? String == "url_expired")

            // Another tenant's file under this tenant's signed parameters.
            let otherKey = try await app.makeKey(tenant: "tenant-b")
            let theirs = try await UploadClient(client: uploads.client, key: otherKey).start(sample)
            let crossed = started.url.replacingOccurrences(of: started.fileID, with: theirs.fileID)
            let crossing = try await uploads.put(crossed, bytes: bytes, contentType: started.contentType)
            #expect(crossing.status == .forbidden)
            #expect(crossing.json["code"] as? String == "bad_signature")
            try await expectNothingStored(app, uploads: uploads, fileID: started.fileID, sha256: sample.sha256)
        }
    }

    @Test(arguments: TestBlobStore.allCases)
    func wrongBodiesLeaveNothing(store: TestBlobStore) async throws {
        try await withUploads(store: store) { uploads, app in
            let sample = Sample.named("photo.png")
            let bytes = try sample.bytes
            let cases: [([UInt8], Int, String)] = [
                (Array(bytes.dropLast(10)), 422, "size_mismatch"),
                (bytes + [0], 413, "too_large"),
                (Array(bytes.dropLast()) + [bytes.last! ^ 0xFF], 422, "checksum_mismatch"),
            ]
            for (body, status, code) in cases {
                let started = try await uploads.start(sample)
                let put = try await uploads.put(started.url, bytes: body, contentType: started.contentType)
                #expect(put.status.code == status, "\(code)")
                #expect(put.json["code"] as? String == code)
                try await expectNothingStored(app, uploads: uploads, fileID: started.fileID, sha256: sample.sha256)
            }
            // A Content-Type other than the signed one.
            let started = try await uploads.start(sample)
            let put = try await uploads.put(started.url, bytes: bytes, contentType: "text/html")
            #expect(put.json["code"] as? String == "type_mismatch")
        }
    }

    /// The blob is absent, nothing is staged, and the file is in `status` (by default it
    /// still awaits its upload).
    func expectNothingStored(
        _ app: TestApp, uploads: UploadClient, fileID: String, sha256: String, status: String = "awaiting_upload"
    ) async throws {
        #expect(try await app.blobs.head(BlobDigest(hex: sha256)!) == nil)
        #expect(try await app.unfinishedPuts() == [])
        let file = try await uploads.file(fileID)
        #expect(file.json["status"] as? String == status)
    }

    func split(_ url: String) -> (String, String) {
        let parts = url.split(separator: "?", maxSplits: 1)
        return (String(parts[0]), parts.count > 1 ? String(parts[1]) : "")
    }
}
