import AsyncHTTPClient
import Crypto
import Database
import Foundation
import Ingest
import Preview
import NIOCore
import NIOHTTP1
import Testing

/// `grey serve` with its `grey-worker` processes, as a user runs it: a worker killed
/// mid-job is replaced and the job completes; a file that outlasts the time limit is
/// rejected with `decode_timeout`; the server answers throughout.
@Suite(.serialized) struct WorkerProcessTests {
    /// A one-page PDF whose page is `shapes` small filled triangles: seconds of rendering
    /// for poppler, so a test can act while a worker is busy with it.
    static func slowPDF(shapes: Int) -> [UInt8] {
        var content = ""
        var seed: UInt64 = 42
        for _ in 0..<shapes {
            seed = seed &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            let x = Int(seed >> 33) % 600, y = Int(seed >> 17) % 780
            content += "\(x) \(y) m \(x + 3) \(y + 1) l \(x + 1) \(y + 3) l f\n"
        }
        let objects = [
            "<< /Type /Catalog /Pages 2 0 R >>", "<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
            "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R >>",
            "<< /Length \(content.utf8.count) >>\nstream\n\(content)endstream",
        ]
        var pdf = "%PDF-1.4\n"
        var offsets: [Int] = []
        for (index, object) in objects.enumerated() {
            offsets.append(pdf.utf8.count)
            pdf += "\(index + 1) 0 obj\n\(object)\nendobj\n"
        }
        let xref = pdf.utf8.count
        pdf += "xref\n0 \(objects.count + 1)\n0000000000 65535 f \n"
        for offset in offsets { pdf += String(repeating: "0", count: 10 - String(offset).count) + "\(offset) 00000 n \n" }
        pdf += "trailer\n<< /Size \(objects.count + 1) /Root 1 0 R >>\nstartxref\n\(xref)\n%%EOF\n"
        return Array(pdf.utf8)
    }

    /// Declares and uploads `bytes`; returns the file id.
    static func upload(_ bytes: [UInt8], filename: String, type: String, port: Int, key: String) async throws -> String {
        let uploaded = try await UploadProcessTests.upload(bytes, filename: filename, type: type, port: port, key: key)
        guard uploaded.status == .created else { throw UploadTestError("upload failed: \(uploaded.status)") }
        return uploaded.fileID
    }

    /// The file's JSON once it is ready or rejected.
    static func settled(_ fileID: String, port: Int, key: String, timeout: Duration = .seconds(120)) async throws -> [String: Any] {
        let deadline = ContinuousClock.now + timeout
        while ContinuousClock.now < deadline {
            let response = try await ServeProcessTests().request(.GET, port: port, "/v1/files/\(fileID)", key: key)
            let file = try JSONSerialization.jsonObject(with: Data(response.body.utf8)) as? [String: Any] ?? [:]
            if let status = file["status"] as? String, status == "ready" || status == "rejected" { return file }
            try await Task.sleep(for: .milliseconds(100))
        }
        throw UploadTestError("\(fileID) did not settle within \(timeout)")
    }

    /// The JSON log lines of the server (standard output) and its workers (standard error).
    static func logLines(_ server: GreyProcess) -> [[String: Any]] {
        (server.output + "\n" + server.errors).split(separator: "\n").compactMap { try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any] }
    }

    @Test func aWorkerKilledMidJobIsReplacedAndTheJobCompletes() async throws {
        let data = try await TestDatabase.makeScratchDirectory("worker-kill")
        let server = try GreyProcess(["serve", "--data-dir", data, "--port", "0", "--workers", "1"])
        defer { server.signal(SIGKILL) }
        let ready = try await server.waitForError(ServeProcessTests.readyLine)

        let fileID = try await Self.upload(Self.slowPDF(shapes: 600_000), filename: "slow.pdf", type: "application/pdf", port: ready.port, key: ready.developmentKey)
        let fileUUID = try #require(FileStore.identifier.parse(fileID)).uuidString.lowercased()
        // The worker that took the job, and its process id.
        let pid = try await server.waitForError { _ -> Int32? in
            let lines = Self.logLines(server)
            guard let started = lines.first(where: { $0["message"] as? String == "job started" && ($0["file"] as? String)?.lowercased() == fileUUID }),
                  let worker = started["worker"] as? String,
                  let announced = lines.first(where: { $0["message"] as? String == "worker started" && $0["worker"] as? String == worker })
            else { return nil }
            return (announced["pid"] as? String).flatMap { Int32($0) }
        }
        #expect(kill(pid, SIGKILL) == 0)
        #expect(try await ServeProcessTests().request(.GET, port: ready.port, "/readyz").status == 200)

        let file = try await Self.settled(fileID, port: ready.port, key: ready.developmentKey)
        #expect(file["status"] as? String == "ready", "\(file)")
        #expect((file["media"] as? [String: Any])?["pages"] as? Int == 1)
        let lines = Self.logLines(server)
        #expect(lines.contains { $0["message"] as? String == "a preview worker ended; starting another" })
        // Taken up again: a second attempt by another worker process.
        #expect(lines.filter { $0["message"] as? String == "job started" && ($0["file"] as? String)?.lowercased() == fileUUID }.count == 2)

        server.signal(SIGTERM)
        #expect(try await server.waitForExit() == 0)
        #expect(!(try EmbeddedCluster(dataDirectory: data).isRunning()))
    }

    @Test func anImageThatNeedsMoreThanTheMemoryLimitIsRejected() async throws {
        let data = try await TestDatabase.makeScratchDirectory("worker-memory")
        let server = try GreyProcess(["serve", "--data-dir", data, "--port", "0", "--workers", "1"], environment: ["GREY_WORKER_MEMORY_LIMIT": "256"])
        defer { server.signal(SIGKILL) }
        let ready = try await server.waitForError(ServeProcessTests.readyLine)
        // 100 megapixels of RGB, interlaced: libvips must hold all 300 MB to read it.
        let side = 10_000
        let png = try Vips.encode(pixels: [UInt8](repeating: 200, count: side * side * 3), width: side, height: side, bands: 3, as: .interlacedPNG)
        let fileID = try await Self.upload(png, filename: "huge.png", type: "image/png", port: ready.port, key: ready.developmentKey)
        let file = try await Self.settled(fileID, port: ready.port, key: ready.developmentKey)
        #expect(file["status"] as? String == "rejected")
        #expect((file["rejection"] as? [String: Any])?["code"] as? String == "memory_limit", "\(file)")
        #expect(try await ServeProcessTests().request(.GET, port: ready.port, "/readyz").status == 200)
        server.signal(SIGTERM)
        #expect(try await server.waitForExit() == 0)
    }

    @Test func everyBadSampleIsRejectedWhileTheServerKeepsAnswering() async throws {
        let data = try await TestDatabase.makeScratchDirectory("worker-bad")
        let server = try GreyProcess(["serve", "--data-dir", data, "--port", "0", "--workers", "2"])
        defer { server.signal(SIGKILL) }
        let ready = try await server.waitForError(ServeProcessTests.readyLine)
        for sample in Sample.all where !["ok", "empty"].contains(sample.expected) {
            let put = try await UploadProcessTests.upload(
                try sample.bytes, filename: sample.filename, type: sample.declaredType, port: ready.port, key: ready.developmentKey
            )
            // Refused at the PUT (libmagic) or accepted for the workers; never a 5xx.
            #expect(put.status == .created || put.status == .unsupportedMediaType, "\(sample): \(put.status)")
            let file = try await Self.settled(put.fileID, port: ready.port, key: ready.developmentKey)
            #expect(file["status"] as? String == "rejected", "\(sample)")
            #expect((file["rejection"] as? [String: Any])?["code"] as? String == sample.expected, "\(sample): \(file)")
            #expect(try await ServeProcessTests().request(.GET, port: ready.port, "/readyz").status == 200)
        }
        // No request the server answered in all that was a 5xx.
        let statuses = Self.logLines(server).filter { $0["message"] as? String == "request" }.compactMap { $0["status"] as? Int }
        #expect(!statuses.isEmpty && statuses.allSatisfy { $0 < 500 })
        server.signal(SIGTERM)
        #expect(try await server.waitForExit() == 0)
    }

    @Test func aFileThatOutlastsTheTimeLimitIsRejectedAndTheServiceStaysHealthy() async throws {
        let data = try await TestDatabase.makeScratchDirectory("worker-timeout")
        let server = try GreyProcess(["serve", "--data-dir", data, "--port", "0", "--workers", "1"], environment: ["GREY_WORKER_TIME_LIMIT": "1"])
        defer { server.signal(SIGKILL) }
        let ready = try await server.waitForError(ServeProcessTests.readyLine)

        let slow = try await Self.upload(Self.slowPDF(shapes: 600_000), filename: "slow.pdf", type: "application/pdf", port: ready.port, key: ready.developmentKey)
        let file = try await Self.settled(slow, port: ready.port, key: ready.developmentKey)
        #expect(file["status"] as? String == "rejected")
        #expect((file["rejection"] as? [String: Any])?["code"] as? String == "decode_timeout", "\(file)")
        #expect(try await ServeProcessTests().request(.GET, port: ready.port, "/readyz").status == 200)

        // The replacement worker takes the next file.
        let photo = Sample.named("photo.png")
        let next = try await Self.upload(try photo.bytes, filename: photo.filename, type: photo.declaredType, port: ready.port, key: ready.developmentKey)
        #expect(try await Self.settled(next, port: ready.port, key: ready.developmentKey)["status"] as? String == "ready")
        server.signal(SIGTERM)
        #expect(try await server.waitForExit() == 0)
    }
}
