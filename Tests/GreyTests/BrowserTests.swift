import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Testing

/// The receipts web page: how its files are served, and the whole flow in a real Chromium
/// (`Tests/browser/receipts_flow.py`, Selenium from `.tools/venv`, set up by `make setup`).
@Suite struct BrowserTests {
    /// The repository's root (the folder holding `samples/`).
    static let root = URL(fileURLWithPath: Sample.folder).deletingLastPathComponent()

    /// Every script of the page, as kept in the repository.
    static var scripts: [String] {
        let folder = root.appendingPathComponent("Sources/Server/Resources/web").path
        return ((try? FileManager.default.contentsOfDirectory(atPath: folder)) ?? []).filter { $0.hasSuffix(".js") }.sorted()
    }

    @Test func pageFilesAreServedWithStrictHeaders() async throws {
        try await TestApp.make().test { client in
            let page = try await client.send(.get, "/")
            #expect(page.status == .ok)
            #expect(page.headers[.contentType] == "text/html; charset=utf-8")
            #expect(page.headers[.xContentTypeOptions] == "nosniff")
            #expect(page.headers[.cacheControl] == "no-cache")
            let policy = try #require(page.headers[.contentSecurityPolicy])
            #expect(policy.contains("default-src 'self'") && policy.contains("frame-ancestors 'none'"))
            #expect(!policy.contains("unsafe-inline") && !policy.contains("unsafe-eval"))
            #expect(page.text.contains(#"<script type="module" src="/web/app.js"></script>"#))

            let tag = try #require(page.headers[.eTag])
            let again = try await client.send(.get, "/", headers: [.ifNoneMatch: tag])
            #expect(again.status == .notModified)
            #expect(again.body.readableBytes == 0)
            #expect(again.headers[.eTag] == tag)

            let style = try await client.send(.get, "/web/app.css")
            #expect(style.status == .ok && style.headers[.contentType] == "text/css; charset=utf-8")
            #expect(Self.scripts.contains("app.js"))
            for name in Self.scripts {
                let script = try await client.send(.get, "/web/\(name)")
                #expect(script.status == .ok, "\(name)")
                #expect(script.headers[.contentType] == "text/javascript; charset=utf-8")
                // Data reaches the page as text only.
                for sink in ["innerHTML", "outerHTML", "insertAdjacentHTML", "document.write", "eval("] {
                    #expect(!script.text.contains(sink), "\(name) uses \(sink)")
                }
            }
            let head = try await client.send(.head, "/web/app.js")
            #expect(head.status == .ok && head.body.readableBytes == 0)

            let missing = try await client.send(.get, "/web/missing.js")
            #expect(missing.status == .notFound)
            #expect(missing.headers[.contentType] == "application/problem+json")
            #expect(try await client.send(.get, "/web/..%2FPackage.swift").status == .notFound)
        }
    }

    /// A user, a wallet funded with 1234 EUR and twenty later bonuses, made over the API;
    /// then the Selenium script signs in, pages back through the history to the funding,
    /// drops a JPEG, a PDF, an MP4 and an MP3 on it, opens each, has a corrupt JPEG
    /// rejected and checks the phone layout (screenshots in `test-output/screenshots`).
    @Test func receiptsFlowInChromium() async throws {
        let root = Self.root
        let python = root.appendingPathComponent(".tools/venv/bin/python").path
        for tool in [python, "/usr/bin/chromium", "/usr/bin/chromedriver"] {
            try #require(FileManager.default.isExecutableFile(atPath: tool), "\(tool) is missing: run `make setup`")
        }
        try await withPipeline(live: true) { uploads, _ in
            let port = try #require(uploads.client.port)
            let ledger = LedgerClient(client: uploads.client, key: uploads.key)
            let user = try await uploads.client.send(.post, "/v1/users", key: uploads.key, json: #"{"externalId":"browser-\#(UUID().uuidString)"}"#)
            let userID = try #require(user.json["id"] as? String, "\(user.text)")
            let wallet = try await uploads.client.send(.post, "/v1/wallets", key: uploads.key, json: #"{"userId":"\#(userID)","currency":"EUR"}"#)
            let walletID = try #require(wallet.json["id"] as? String, "\(wallet.text)")
            let funded = try await ledger.post(
                "/v1/transactions/fund", #"{"walletId":"\#(walletID)","amount":1234,"externalRef":"browser-\#(UUID().uuidString)"}"#
            )
            let transactionID = try #require(funded.json["id"] as? String, "\(funded.text)")
            // Twenty later bonuses fill the first page of history (20 rows): the funding is on the second.
            for number in 1...20 {
                let bonus = try await ledger.post("/v1/transactions/bonus", #"{"walletId":"\#(walletID)","amount":1,"reason":"bonus \#(number)"}"#)
                try #require(bonus.status == .created, "\(bonus.text)")
            }

            let output = root.appendingPathComponent("test-output")
            let (status, log) = try await Self.runScript(
                python: python, script: root.appendingPathComponent("Tests/browser/receipts_flow.py").path,
                arguments: [
                    "--base-url", "http://127.0.0.1:\(port)", "--user-id", userID, "--wallet-id", walletID,
                    "--transaction-id", transactionID, "--min-history-pages", "2", "--samples", Sample.folder,
                    "--screenshots", output.appendingPathComponent("screenshots").path,
                ],
                environment: ["GREY_API_KEY": uploads.key],
                log: output.appendingPathComponent("browser/receipts_flow.log")
            )
            #expect(status == 0, "receipts_flow.py failed (exit \(status)):\n\(log)")
        }
    }

    /// Runs the script to its end (or a generous limit) with its output in `log`; the exit
    /// status and the output.
    static func runScript(
        python: String, script: String, arguments: [String], environment: [String: String], log: URL
    ) async throws -> (Int32, String) {
        try FileManager.default.createDirectory(at: log.deletingLastPathComponent(), withIntermediateDirectories: true)
        _ = FileManager.default.createFile(atPath: log.path, contents: nil)
        let handle = try FileHandle(forWritingTo: log)
        defer { try? handle.close() }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: python)
        process.arguments = [script] + arguments
        process.environment = ProcessInfo.processInfo.environment.merging(environment.merging(["PYTHONUNBUFFERED": "1"]) { $1 }) { $1 }
        process.standardInput = FileHandle.nullDevice
        process.standardOutput = handle
        process.standardError = handle
        try process.run()
        let deadline = ContinuousClock.now + .seconds(900)
        while process.isRunning {
            if ContinuousClock.now > deadline {
                process.interrupt()
                break
            }
            try await Task.sleep(for: .milliseconds(250))
        }
        process.waitUntilExit()
        let text = (try? String(contentsOf: log, encoding: .utf8)) ?? ""
        return (process.terminationStatus, text)
    }
}
