import AsyncHTTPClient
import Database
import Foundation
import NIOCore
import NIOHTTP1
import Testing

/// `grey serve` and `grey keys` as a user runs them: real processes, the embedded
/// database, SIGTERM, and a restart on the same data.
@Suite struct ServeProcessTests {
    struct Ready {
        var port: Int
        var developmentKey: String
    }

    /// Reads "Grey is ready on http://127.0.0.1:PORT  (development API key: KEY)".
    static func readyLine(_ text: String) -> Ready? {
        guard let line = text.split(separator: "\n").first(where: { $0.hasPrefix("Grey is ready on http://") }) else { return nil }
        let words = line.split(separator: " ")
        guard let url = words.first(where: { $0.hasPrefix("http://") }), let port = url.split(separator: ":").last.flatMap({ Int($0) }),
            let key = words.last?.dropLast()
        else { return nil }
        return Ready(port: port, developmentKey: String(key))
    }

    func request(_ method: HTTPMethod, port: Int, _ path: String, key: String? = nil, json: String? = nil) async throws -> (status: Int, body: String) {
        var request = HTTPClientRequest(url: "http://127.0.0.1:\(port)\(path)")
        request.method = method
        if let key { request.headers.add(name: "Authorization", value: "Bearer \(key)") }
        if let json {
            request.headers.add(name: "Content-Type", value: "application/json")
            request.body = .bytes(ByteBuffer(string: json))
        }
        let response = try await HTTPClient.shared.execute(request, timeout: .seconds(30))
        let body = try await response.body.collect(upTo: 1 << 20)
        return (Int(response.status.code), String(buffer: body))
    }

    @Test func serveKeysShutdownAndRestart() async throws {
        let data = try await TestDatabase.makeScratchDirectory("serve")
        let serve = ["serve", "--data-dir", data, "--port", "0"]

        let server = try GreyProcess(serve)
        defer { server.signal(SIGKILL) }
        let ready = try await server.waitForError(Self.readyLine)
        #expect(ready.developmentKey.hasPrefix("grey_"))
        #expect(try await request(.GET, port: ready.port, "/readyz").status == 200)

        // Keys made while the server runs reach the same embedded cluster.
        let created = try await GreyProcess.run(["keys", "create", "--tenant", "e2e", "--data-dir", data])
        #expect(created.status == 0)
        let key = try #require(created.output.split(separator: "\n").last.map(String.init))
        #expect(key.hasPrefix("grey_"))

        let user = try await request(.POST, port: ready.port, "/v1/users", key: key, json: #"{"externalId":"kept"}"#)
        #expect(user.status == 201)
        let userID = try #require((try JSONSerialization.jsonObject(with: Data(user.body.utf8)) as? [String: Any])?["id"] as? String)
        #expect(try await request(.GET, port: ready.port, "/v1/users/\(userID)", key: ready.developmentKey).status == 404)

        // One structured log line per request, naming request id, tenant, route, status and duration.
        try await Task.sleep(for: .milliseconds(100))
        let lines = server.output.split(separator: "\n").compactMap { try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any] }
        let logged = try #require(lines.first { $0["message"] as? String == "request" && $0["route"] as? String == "/v1/users" })
        #expect(logged["tenant"] as? String == "e2e")
        #expect(logged["status"] as? Int == 201)
        #expect((logged["request_id"] as? String)?.isEmpty == false)
        #expect(logged["duration_ms"] is Double)
        #expect(!server.output.contains(key), "the key must never be logged")
        // A fresh database: no background round ran before the migrations had made its tables.
        let complaints = lines.filter { ($0["message"] as? String)?.contains("failed") == true || $0["level"] as? String == "error" }
        #expect(complaints.isEmpty, "\(complaints)")

        let revoked = try await GreyProcess.run(["keys", "revoke", key, "--data-dir", data])
        #expect(revoked.status == 0)
        // The running server hears of the revocation from PostgreSQL (LISTEN/NOTIFY) within
        // milliseconds; allow two seconds on a loaded machine.
        let refused = try await eventually(timeout: .seconds(2)) {
            try await request(.GET, port: ready.port, "/v1/users/\(userID)", key: key).status == 401
        }
        #expect(refused)

        // SIGTERM drains, stops the embedded PostgreSQL and exits cleanly.
        server.signal(SIGTERM)
        #expect(try await server.waitForExit() == 0)
        #expect(!(try EmbeddedCluster(dataDirectory: data).isRunning()))
        #expect(!FileManager.default.fileExists(atPath: data + "/postgres/cluster/postmaster.pid"))

        // A second start reuses the data and the development key.
        let again = try GreyProcess(serve)
        defer { again.signal(SIGKILL) }
        let readyAgain = try await again.waitForError(Self.readyLine)
        #expect(readyAgain.developmentKey == ready.developmentKey)
        let newKey = try #require(try await GreyProcess.run(["keys", "create", "--tenant", "e2e", "--data-dir", data]).output.split(separator: "\n").last)
        #expect(try await request(.GET, port: readyAgain.port, "/v1/users/\(userID)", key: String(newKey)).status == 200)
        again.signal(SIGTERM)
        #expect(try await again.waitForExit() == 0)
        #expect(!(try EmbeddedCluster(dataDirectory: data).isRunning()))
    }

    /// CPU seconds (user and system) `pid` has used so far, from /proc.
    static func cpuSeconds(of pid: Int32) throws -> Double {
        let stat = try String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8)
        let fields = stat[stat.index(after: try #require(stat.lastIndex(of: ")")))...].split(separator: " ")
        let ticks = try #require(Double(fields[11])) + (try #require(Double(fields[12])))
        return ticks / Double(sysconf(Int32(_SC_CLK_TCK)))
    }

    /// A server waiting for work with two worker processes sleeps: waiting for a worker to
    /// exit must block, not poll. (Foundation's `Process.waitUntilExit` spins a run loop
    /// on Linux, a whole core per worker; a bound of a quarter of a core is far above an
    /// idle server and far below one spinning thread, so this holds on a loaded machine.)
    @Test func anIdleServerWithWorkersUsesAlmostNoCPU() async throws {
        let data = try await TestDatabase.makeScratchDirectory("idle")
        let server = try GreyProcess(["serve", "--data-dir", data, "--port", "0", "--workers", "2"])
        defer { server.signal(SIGKILL) }
        _ = try await server.waitForError(Self.readyLine)
        try await Task.sleep(for: .seconds(1))
        let before = try Self.cpuSeconds(of: server.pid)
        try await Task.sleep(for: .seconds(2))
        let used = try Self.cpuSeconds(of: server.pid) - before
        #expect(used < 0.5, "an idle server used \(used) s of CPU in 2 s")
        server.signal(SIGTERM)
        #expect(try await server.waitForExit() == 0)
    }

    @Test func keysCommandStartsAndStopsTheClusterWhenNothingElseRuns() async throws {
        let data = try await TestDatabase.makeScratchDirectory("keys")
        let created = try await GreyProcess.run(["keys", "create", "--tenant", "solo", "--scopes", "ledger:read,files:read", "--data-dir", data])
        #expect(created.status == 0)
        #expect(created.output.contains("scopes: files:read ledger:read"))
        #expect(!(try EmbeddedCluster(dataDirectory: data).isRunning()))

        let listed = try await GreyProcess.run(["keys", "list", "--tenant", "solo", "--data-dir", data])
        #expect(listed.output.contains("active"))

        let bad = try await GreyProcess.run(["keys", "create", "--tenant", "no spaces", "--data-dir", data])
        #expect(bad.status != 0)
    }
}
