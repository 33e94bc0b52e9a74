import AsyncHTTPClient
import Foundation
import HTTPTypes
import HummingbirdTesting
import NIOCore
import NIOHTTP1
import Server
import Testing
import Yams

/// The HTTP contract, `openapi.yaml`, checked against a running `grey serve` by
/// schemathesis: generated requests, valid and invalid, to every operation the server
/// serves, and every response compared with the document (status, content type, headers,
/// body schema), plus schemathesis' other checks (`--checks all`). Settings are in
/// `Tests/contract/schemathesis.toml`; the report and the log go to `test-output/contract/`.
@Suite struct ContractTests {
    /// Fixed, so a failure is reproduced by running the suite again (`CONTRACT_SEED`
    /// explores another sequence).
    static let seed = setting("CONTRACT_SEED") ?? 20_260_101
    /// Generated cases per operation and phase: enough to reach every branch the schema
    /// describes, few enough to finish in minutes on two slow cores (`CONTRACT_MAX_EXAMPLES`
    /// runs longer).
    static let maxExamples = setting("CONTRACT_MAX_EXAMPLES") ?? 40

    static func setting(_ name: String) -> Int? {
        ProcessInfo.processInfo.environment[name].flatMap { Int($0) }
    }

    @Test func everyDocumentedOperationIsServed() async throws {
        let missing = try await Self.documentedOperations().filter { !$0.isServed }
        #expect(missing.isEmpty, "openapi.yaml documents operations the server does not route: \(missing.map(\.label).joined(separator: ", "))")
    }

    @Test func theRunningServerKeepsToItsOpenAPIDocument() async throws {
        let schemathesis = Self.repository + "/.tools/venv/bin/schemathesis"
        try #require(FileManager.default.isExecutableFile(atPath: schemathesis), "schemathesis is missing: run `make setup`")
        let unserved = try await Self.documentedOperations().filter { !$0.isServed }

        let data = try await TestDatabase.makeScratchDirectory("contract")
        let server = try GreyProcess(["serve", "--data-dir", data, "--port", "0", "--workers", "1"])
        defer { server.signal(SIGKILL) }
        let ready = try await server.waitForError(ServeProcessTests.readyLine)
        let base = "http://127.0.0.1:\(ready.port)"

        let values = try await ContractSeed.make(port: ready.port, key: ready.developmentKey)
        try values.write(to: Self.output + "/values")
        // A key of another tenant, which must see none of the first tenant's objects.
        let peer = try await GreyProcess.run(["keys", "create", "--tenant", "contract-peer", "--data-dir", data])
        let peerKey = try #require(peer.output.split(separator: "\n").last.map(String.init), "grey keys create printed no key")
        try Self.writeKeys(owner: ready.developmentKey, peer: peerKey, to: Self.output + "/auth.json")

        var arguments = [
            "--config-file", Self.repository + "/Tests/contract/schemathesis.toml", "--no-color",
            "run", base + "/openapi.yaml", "--url", base,
            "--checks", "all",
            "--seed", String(Self.seed), "--max-examples", String(Self.maxExamples),
            "--workers", "1", "--request-timeout", "30",
            "--report", "junit,ndjson", "--report-junit-path", Self.output + "/junit.xml",
            "--report-ndjson-path", Self.output + "/events.ndjson",
        ]
        // Operations whose routes are not there yet are named by the test above; here they
        // would only repeat as 404s.
        for operation in unserved { arguments += ["--exclude-operation-id", operation.id] }

        let run = try await Self.runSchemathesis(schemathesis, arguments: arguments, log: Self.output + "/schemathesis.log")
        // The server's own log (a 500's cause is only there), beside schemathesis' report.
        try (server.output + server.errors).write(toFile: Self.output + "/grey.log", atomically: true, encoding: .utf8)
        #expect(run.status == 0, "schemathesis found failures (seed \(Self.seed)); test-output/contract/schemathesis.log:\n\(run.output)")

        // The server stayed healthy throughout and stops cleanly.
        #expect(try await ServeProcessTests().request(.GET, port: ready.port, "/readyz").status == 200)
        server.signal(SIGTERM)
        #expect(try await server.waitForExit(timeout: .seconds(60)) == 0)

        // Thousands of generated writes later, every tenant's audit chain still verifies.
        let audit = try await GreyProcess.run(["audit", "verify", "--data-dir", data])
        #expect(audit.status == 0, "\(audit.output)")
        #expect(audit.output.contains("OK: every chain verifies"), "\(audit.output)")
    }

    // MARK: - The document and the routes

    struct Operation {
        var method: String
        var path: String
        var id: String
        var isServed: Bool
        var label: String { "\(method.uppercased()) \(path) (\(id))" }
    }

    /// Every operation of `openapi.yaml`, and whether the router has a route for it: asked
    /// of the real router (without a key, so nothing is written), since not every route is
    /// in the ``RouteCatalogue`` (the web page's are not). Unrouted, the router answers 405
    /// (another method has the path) or 404 "No route matches this path.".
    static func documentedOperations() async throws -> [Operation] {
        let text = try String(contentsOfFile: repository + "/Sources/Server/Resources/openapi.yaml", encoding: .utf8)
        let document = try #require(try Yams.load(yaml: text) as? [String: Any])
        let paths = try #require(document["paths"] as? [String: [String: Any]])
        var documented: [(method: String, path: String, id: String)] = []
        for (path, item) in paths.sorted(by: { $0.key < $1.key }) {
            for method in ["get", "head", "post", "put", "delete", "patch"] {
                guard let operation = item[method] as? [String: Any] else { continue }
                documented.append((method, path, operation["operationId"] as? String ?? "\(method) \(path)"))
            }
        }
        let operations = documented
        return try await TestApp.make().test { client in
            var probed: [Operation] = []
            for (method, path, id) in operations {
                // Every parameter as a well-formed id that names nothing.
                let concrete = path.replacingOccurrences(of: #"\{[^}]+\}"#, with: "fil_00000000000000000000000000000000", options: .regularExpression)
                let response = try await client.send(HTTPRequest.Method(method.uppercased())!, concrete)
                let unrouted = response.status == .methodNotAllowed
                    || (response.status == .notFound && response.json["detail"] as? String == "No route matches this path.")
                probed.append(Operation(method: method, path: path, id: id, isServed: !unrouted))
            }
            return probed
        }
    }

    // MARK: - Running schemathesis

    /// The two tenants' keys as a Web Fuzzing Commons auth file (`[auth.wfc]` in the config).
    static func writeKeys(owner: String, peer: String, to path: String) throws {
        let users = [("owner", owner), ("peer", peer)].map { name, key in
            ["name": name, "fixedHeaders": [["name": "Authorization", "value": "Bearer \(key)"]]] as [String: Any]
        }
        let data = try JSONSerialization.data(withJSONObject: ["auth": users], options: [.prettyPrinted, .sortedKeys])
        try FileManager.default.createDirectory(atPath: output, withIntermediateDirectories: true)
        FileManager.default.createFile(atPath: path, contents: data, attributes: [.posixPermissions: 0o600])
    }

    /// The repository's root (where Package.swift is).
    static let repository: String = {
        var url = URL(fileURLWithPath: #filePath)
        while url.path != "/" && !FileManager.default.fileExists(atPath: url.appendingPathComponent("Package.swift").path) {
            url.deleteLastPathComponent()
        }
        return url.path
    }()

    /// Where the report, the log and the seeded values go (git ignores `test-output/`).
    static var output: String { repository + "/test-output/contract" }

    /// Runs schemathesis to completion (at most 20 minutes), its output kept in `log`.
    static func runSchemathesis(_ executable: String, arguments: [String], log: String) async throws -> (status: Int32, output: String) {
        try FileManager.default.createDirectory(atPath: output, withIntermediateDirectories: true)
        FileManager.default.createFile(atPath: log, contents: nil)
        let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: log))
        defer { try? handle.close() }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        process.currentDirectoryURL = URL(fileURLWithPath: repository)
        // Hypothesis keeps its caches under test-output/, not in the repository's root.
        let settings = ["NO_COLOR": "1", "COLUMNS": "160", "HYPOTHESIS_STORAGE_DIRECTORY": output + "/hypothesis"]
        process.environment = ProcessInfo.processInfo.environment.merging(settings) { _, new in new }
        process.standardInput = FileHandle.nullDevice
        process.standardOutput = handle
        process.standardError = handle
        try process.run()
        let deadline = ContinuousClock.now + .seconds(20 * 60)
        while process.isRunning {
            if ContinuousClock.now > deadline {
                process.terminate()
                break
            }
            try await Task.sleep(for: .milliseconds(200))
        }
        process.waitUntilExit()
        let text = (try? String(contentsOfFile: log, encoding: .utf8)) ?? ""
        return (process.terminationStatus, text)
    }
}

/// The objects the contract run starts from, made through the API as a client would, and
/// the values schemathesis draws from (`Tests/contract/schemathesis.toml`, `[dictionaries]`).
struct ContractSeed {
    var values: [String: [String]] = [:]

    /// One value file per dictionary, in libFuzzer's format (a quoted string per line).
    func write(to directory: String) throws {
        try? FileManager.default.removeItem(atPath: directory)
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        for (name, entries) in values {
            let lines = entries.map { "\"" + $0.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"") + "\"" }
            try (lines.joined(separator: "\n") + "\n").write(toFile: directory + "/\(name).dict", atomically: true, encoding: .utf8)
        }
    }

    /// A user with two EUR wallets and one USD wallet, the first funded and spent from, a
    /// transfer, an account of the tenant's own, a merchant with a charge, a ready photo
    /// attached to the funding (with its content and preview URLs), and a file whose bytes
    /// never came (with its upload URL).
    static func make(port: Int, key: String) async throws -> ContractSeed {
        let api = ContractClient(port: port, key: key)
        var seed = ContractSeed()
        let user = try await api.id(.POST, "/v1/users", #"{"externalId":"contract-user","displayName":"Contract"}"#)
        let other = try await api.id(.POST, "/v1/users", #"{"externalId":"contract-other"}"#)
        let wallet = try await api.id(.POST, "/v1/wallets", #"{"userId":"\#(user)","currency":"EUR"}"#)
        let second = try await api.id(.POST, "/v1/wallets", #"{"userId":"\#(other)","currency":"EUR"}"#)
        let dollars = try await api.id(.POST, "/v1/wallets", #"{"userId":"\#(user)","currency":"USD"}"#)
        let funding = try await api.id(.POST, "/v1/transactions/fund", #"{"walletId":"\#(wallet)","amount":1000000000000,"externalRef":"contract-fund"}"#, idempotent: true)
        let spend = try await api.id(.POST, "/v1/transactions/spend", #"{"walletId":"\#(wallet)","amount":250,"memo":"coffee"}"#, idempotent: true)
        let transfer = try await api.id(
            .POST, "/v1/transactions/transfer", #"{"fromWalletId":"\#(wallet)","toWalletId":"\#(second)","amount":5000}"#, idempotent: true
        )
        let account = try await api.id(
            .POST, "/v1/accounts", #"{"code":"contract:bank","name":"Bank","type":"asset","currency":"EUR","allowNegative":true}"#
        )
        let merchant = try await api.id(.POST, "/v1/merchants", #"{"name":"Contract shop","currency":"EUR"}"#)
        let charge = try await api.id(
            .POST, "/v1/merchants/\(merchant)/charges", #"{"amount":100000,"fee":1000,"externalRef":"contract-charge"}"#, idempotent: true
        )

        // A photo, uploaded and ready, attached to the funding.
        let photo = Sample.named("photo.jpg")
        let uploaded = try await UploadProcessTests.upload(try photo.bytes, filename: photo.filename, type: photo.declaredType, port: port, key: key)
        guard uploaded.status == .created else { throw ContractSeedError("uploading the photo: \(uploaded.status)") }
        let file = try await WorkerProcessTests.settled(uploaded.fileID, port: port, key: key)
        guard file["status"] as? String == "ready", let previews = file["previews"] as? [[String: Any]],
              let preview = previews.first, let previewURL = preview["url"] as? String
        else { throw ContractSeedError("the photo did not become ready with a preview: \(file)") }
        // Attached, so that deleting it is refused (409 file_attached) until it is detached.
        _ = try? await api.send(.POST, "/v1/transactions/\(funding)/attachments", #"{"fileId":"\#(uploaded.fileID)"}"#)
        let download = try await api.send(.POST, "/v1/files/\(uploaded.fileID)/download-url", #"{"disposition":"inline","ttlSeconds":86400}"#)
        guard let contentURL = download.json["url"] as? String else { throw ContractSeedError("no download URL: \(download.body)") }

        // A declared file whose bytes never came.
        let pending = try await UploadProcessTests.declare(
            port: port, key: key, filename: "pending.pdf", type: "application/pdf", size: 1561,
            sha256: Sample.named("document.pdf").sha256
        )

        let content = try SignedURL(contentURL)
        let previewRead = try SignedURL(previewURL)
        let upload = try SignedURL(pending.url)
        seed.values = [
            "users": [user, other],
            "wallets": [wallet, second, dollars],
            "accounts": [account, wallet, second, "acc_" + wallet.dropFirst(4)],
            "transactions": [funding, spend, transfer, charge],
            "merchants": [merchant],
            "files": [uploaded.fileID, pending.fileID],
            "tenant": [content.query["tenant"] ?? ""],
            "kid": [content.query["kid"] ?? ""],
            "content_file": [uploaded.fileID],
            "content_disposition": [content.query["disposition"] ?? ""],
            "content_expires": [content.query["expires"] ?? ""],
            "content_sig": [content.query["sig"] ?? ""],
            "preview_name": [String(previewRead.path.split(separator: "/").last ?? "")],
            "preview_expires": [previewRead.query["expires"] ?? ""],
            "preview_sig": [previewRead.query["sig"] ?? ""],
            "upload_file": [pending.fileID],
            "upload_size": [upload.query["size"] ?? ""],
            "upload_sha256": [upload.query["sha256"] ?? ""],
            "upload_type": [upload.query["type"] ?? ""],
            "upload_expires": [upload.query["expires"] ?? ""],
            "upload_sig": [upload.query["sig"] ?? ""],
        ]
        return seed
    }
}

/// A signed URL's path and decoded query.
struct SignedURL {
    var path: String
    var query: [String: String]

    init(_ text: String) throws {
        guard let components = URLComponents(string: text) else { throw ContractSeedError("not a URL: \(text)") }
        path = components.path
        query = Dictionary((components.queryItems ?? []).map { ($0.name, $0.value ?? "") }, uniquingKeysWith: { first, _ in first })
    }
}

/// The seeding client: JSON requests with the key, each expected to succeed.
struct ContractClient {
    let port: Int
    let key: String

    struct Reply {
        var status: HTTPResponseStatus
        var body: String
        var json: [String: Any] { (try? JSONSerialization.jsonObject(with: Data(body.utf8))) as? [String: Any] ?? [:] }
    }

    func send(_ method: HTTPMethod, _ path: String, _ json: String, idempotent: Bool = false) async throws -> Reply {
        var request = HTTPClientRequest(url: "http://127.0.0.1:\(port)\(path)")
        request.method = method
        request.headers.add(name: "Authorization", value: "Bearer \(key)")
        request.headers.add(name: "Content-Type", value: "application/json")
        if idempotent { request.headers.add(name: "Idempotency-Key", value: "contract-seed-" + UUID().uuidString) }
        request.body = .bytes(ByteBuffer(string: json))
        let response = try await HTTPClient.shared.execute(request, timeout: .seconds(30))
        let body = String(buffer: try await response.body.collect(upTo: 1 << 20))
        guard (200..<300).contains(response.status.code) else { throw ContractSeedError("\(method) \(path): \(response.status) \(body)") }
        return Reply(status: response.status, body: body)
    }

    /// Sends the request and returns the `id` of the object it made.
    func id(_ method: HTTPMethod, _ path: String, _ json: String, idempotent: Bool = false) async throws -> String {
        let reply = try await send(method, path, json, idempotent: idempotent)
        guard let id = reply.json["id"] as? String else { throw ContractSeedError("\(method) \(path) returned no id: \(reply.body)") }
        return id
    }
}

struct ContractSeedError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
