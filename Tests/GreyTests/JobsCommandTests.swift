import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1
import Testing

/// `grey jobs` as an operator runs it beside a running `grey serve`.
@Suite struct JobsCommandTests {
    @Test func listsTheJobAnUploadQueuedAndRefusesToRequeueALiveOne() async throws {
        let data = try await TestDatabase.makeScratchDirectory("jobs-command")
        let server = try GreyProcess(["serve", "--data-dir", data, "--port", "0", "--workers", "0"])
        defer { server.signal(SIGKILL) }
        let ready = try await server.waitForError(ServeProcessTests.readyLine)

        #expect(try await GreyProcess.run(["jobs", "list", "--data-dir", data]).output.contains("no jobs"))

        let sample = Sample.named("document.pdf")
        let started = try await UploadProcessTests.upload(
            try sample.bytes, filename: sample.filename, type: sample.declaredType, port: ready.port, key: ready.developmentKey
        )
        #expect(started.status == .created)

        let listed = try await GreyProcess.run(["jobs", "list", "--state", "queued", "--data-dir", data])
        #expect(listed.status == 0)
        let line = try #require(listed.output.split(separator: "\n").first { $0.contains("process_file") })
        #expect(line.contains("queued"))
        #expect(line.contains(started.fileID))
        let id = try #require(line.split(separator: " ").first.map(String.init))

        let retried = try await GreyProcess.run(["jobs", "retry", id, "--data-dir", data])
        #expect(retried.status == 1)
        #expect(retried.output.contains("is not dead or done"))
        #expect(try await GreyProcess.run(["jobs", "list", "--state", "lost", "--data-dir", data]).status != 0)

        server.signal(SIGTERM)
        _ = try await server.waitForExit()
    }
}
