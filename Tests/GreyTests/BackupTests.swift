import AsyncHTTPClient
import Crypto
import Database
import Foundation
import NIOCore
import NIOHTTP1
import PostgresNIO
import Storage
@testable import Backup
import Testing

/// `grey backup` and `grey restore` as an operator runs them: real processes on the
/// embedded database, a ledger with postings and two files with their previews.
@Suite struct BackupTests {
    /// A data directory with a ledger and two ready files, its server stopped, and backups of it.
    struct Original: Sendable {
        var dataDirectory: String
        var key: String
        var walletID: String
        var photoID: String
        /// A backup taken after the server stopped, and what `grey backup` printed.
        var backup: String
        var backupOutput: String
        /// A backup taken while `grey serve` ran on the same cluster.
        var liveBackup: String
    }

    static let photo = Sample.named("photo.jpg")
    static let document = Sample.named("document.pdf")
    static let balance: Int64 = 7_500

    /// Made once, shared by the tests that only read it.
    static let original = Task { try await makeOriginal() }

    static func makeOriginal() async throws -> Original {
        let data = try await TestDatabase.makeScratchDirectory("backup-original")
        let server = try GreyProcess(["serve", "--data-dir", data, "--port", "0", "--workers", "1"])
        defer { server.signal(SIGKILL) }
        let ready = try await server.waitForError(ServeProcessTests.readyLine)
        let api = API(port: ready.port, key: ready.developmentKey)

        let user = try await api.created("/v1/users", #"{"externalId":"backup-alice"}"#)
        let wallet = try await api.created("/v1/wallets", #"{"userId":"\#(user)","currency":"EUR"}"#)
        _ = try await api.created("/v1/transactions/fund", #"{"walletId":"\#(wallet)","amount":10000,"externalRef":"backup-fund"}"#)
        _ = try await api.created("/v1/transactions/spend", #"{"walletId":"\#(wallet)","amount":2500,"memo":"coffee"}"#)
        guard try await api.balance(wallet) == balance else { throw UploadTestError("the wallet's balance is not \(balance)") }

        var fileIDs: [String] = []
        for sample in [photo, document] {
            let id = try await WorkerProcessTests.upload(
                try sample.bytes, filename: sample.filename, type: sample.declaredType, port: ready.port, key: ready.developmentKey
            )
            let file = try await WorkerProcessTests.settled(id, port: ready.port, key: ready.developmentKey)
            guard file["status"] as? String == "ready", (file["previews"] as? [Any])?.isEmpty == false else {
                throw UploadTestError("\(sample) is not ready with previews: \(file)")
            }
            fileIDs.append(id)
        }

        let liveBackup = try await TestDatabase.makeScratchDirectory("backup-live")
        let live = try await runGrey(["backup", "--to", liveBackup, "--data-dir", data])
        guard live.status == 0 else { throw UploadTestError("a backup beside grey serve failed: \(live.errors)") }

        server.signal(SIGTERM)
        guard try await server.waitForExit() == 0 else { throw UploadTestError("grey serve did not stop cleanly: \(server.errors)") }

        let backup = try await TestDatabase.makeScratchDirectory("backup-folder")
        let made = try await runGrey(["backup", "--to", backup, "--data-dir", data])
        guard made.status == 0 else { throw UploadTestError("grey backup failed: \(made.errors)") }
        return Original(
            dataDirectory: data, key: ready.developmentKey, walletID: wallet, photoID: fileIDs[0],
            backup: backup, backupOutput: made.output, liveBackup: liveBackup
        )
    }

    @Test func aRestoredDataDirectoryVerifiesAndServesTheSameLedgerAndBytes() async throws {
        let original = try await Self.original.value
        let restored = try await TestDatabase.makeScratchDirectory("backup-restored")
        let restore = try await runGrey(["restore", "--from", original.backup, "--data-dir", restored])
        #expect(restore.status == 0, "\(restore.errors)")
        #expect(restore.output.contains("(2 transactions, 2 files"), "\(restore.output)")

        let verify = try await runGrey(["ledger", "verify", "--data-dir", restored])
        #expect(verify.status == 0, "\(verify.output)\(verify.errors)")
        #expect(verify.output.contains("clean"))
        let audit = try await runGrey(["audit", "verify", "--data-dir", restored])
        #expect(audit.status == 0, "\(audit.output)\(audit.errors)")

        // Every blob in the new store hashes to its name, and the set is the manifest's.
        let listed = try Self.manifestBlobs(original.backup)
        #expect(listed.count >= 4, "two originals and at least one preview each: \(listed)")
        #expect(listed[Self.photo.sha256] == Int64(Self.photo.size))
        #expect(listed[Self.document.sha256] == Int64(Self.document.size))
        let store = try FileSystemBlobStore(root: restored + "/blobs", removingLeftovers: false)
        var stored: [String: Int64] = [:]
        for digest in try await store.list() {
            let bytes = try Data(contentsOf: URL(fileURLWithPath: store.path(of: digest)))
            #expect(Self.sha256(bytes) == digest.hex, "blob \(digest) does not hash to its name")
            stored[digest.hex] = Int64(bytes.count)
        }
        #expect(stored == listed)
        #expect(restore.output.contains("blobs: \(listed.count) restored"), "\(restore.output)")

        // The restored Grey answers with the original key, balance and bytes.
        let server = try GreyProcess(["serve", "--data-dir", restored, "--port", "0", "--workers", "0"])
        defer { server.signal(SIGKILL) }
        let ready = try await server.waitForError(ServeProcessTests.readyLine)
        let api = API(port: ready.port, key: original.key)
        #expect(try await api.balance(original.walletID) == Self.balance)
        #expect(try await api.download(original.photoID) == (try Self.photo.bytes))
        server.signal(SIGTERM)
        #expect(try await server.waitForExit() == 0)
    }

    @Test func aBackupBesideARunningServerHoldsTheSameBlobs() async throws {
        let original = try await Self.original.value
        #expect(try Self.manifestBlobs(original.liveBackup) == (try Self.manifestBlobs(original.backup)))
        #expect(FileManager.default.fileExists(atPath: original.liveBackup + "/database.dump"))
    }

    @Test func aSecondBackupIntoTheSameFolderCopiesNoBlobAgain() async throws {
        let original = try await Self.original.value
        let count = try Self.manifestBlobs(original.backup).count
        #expect(original.backupOutput.contains("blobs: \(count) referenced, \(count) copied"), "\(original.backupOutput)")

        let again = try await TestDatabase.makeScratchDirectory("backup-again") + "/folder"
        try FileManager.default.copyItem(atPath: original.backup, toPath: again)
        let second = try await runGrey(["backup", "--to", again, "--data-dir", original.dataDirectory])
        #expect(second.status == 0, "\(second.errors)")
        #expect(second.output.contains("blobs: \(count) referenced, 0 copied (0 bytes), \(count) already in the backup"), "\(second.output)")
        #expect(try Self.manifestBlobs(again) == (try Self.manifestBlobs(original.backup)))
    }

    @Test func restoreRefusesATargetThatIsNotFresh() async throws {
        let original = try await Self.original.value
        let intoOriginal = try await runGrey(["restore", "--from", original.backup, "--data-dir", original.dataDirectory])
        #expect(intoOriginal.status != 0)
        #expect(intoOriginal.errors.contains("refusing to restore"), "\(intoOriginal.errors)")
        #expect(intoOriginal.errors.contains("already has an embedded database"), "\(intoOriginal.errors)")

        let withBlobs = try await TestDatabase.makeScratchDirectory("backup-has-blobs")
        try FileManager.default.createDirectory(atPath: withBlobs + "/blobs/blobs/ab", withIntermediateDirectories: true)
        let intoBlobs = try await runGrey(["restore", "--from", original.backup, "--data-dir", withBlobs])
        #expect(intoBlobs.status != 0)
        #expect(intoBlobs.errors.contains("already holds blobs"), "\(intoBlobs.errors)")
        #expect(!FileManager.default.fileExists(atPath: withBlobs + "/postgres"))
    }

    @Test func restoreRefusesAnAlteredDumpBeforeTouchingTheTarget() async throws {
        let original = try await Self.original.value
        let damaged = try await TestDatabase.makeScratchDirectory("backup-damaged") + "/folder"
        try FileManager.default.copyItem(atPath: original.backup, toPath: damaged)
        var dump = try Data(contentsOf: URL(fileURLWithPath: damaged + "/database.dump"))
        dump[dump.count / 2] ^= 0x01
        try dump.write(to: URL(fileURLWithPath: damaged + "/database.dump"))

        let target = try await TestDatabase.makeScratchDirectory("backup-untouched")
        let refused = try await runGrey(["restore", "--from", damaged, "--data-dir", target])
        #expect(refused.status != 0)
        #expect(refused.errors.contains("database.dump does not match the manifest"), "\(refused.errors)")
        #expect(try FileManager.default.contentsOfDirectory(atPath: target).isEmpty, "nothing may be written before the checks pass")

        // A folder without its manifest is not a backup.
        try FileManager.default.removeItem(atPath: damaged + "/manifest.json")
        let unfinished = try await runGrey(["restore", "--from", damaged, "--data-dir", target])
        #expect(unfinished.status != 0)
        #expect(unfinished.errors.contains("is not a backup"), "\(unfinished.errors)")
        #expect(try FileManager.default.contentsOfDirectory(atPath: target).isEmpty)
    }

    @Test func restoreThroughADatabaseURLNeedsAnEmptyDatabaseAndNeverShowsThePassword() async throws {
        let original = try await Self.original.value
        let cluster = try await TestDatabase.cluster
        let socketDirectory = (cluster.socketPath as NSString).deletingLastPathComponent
        let password = "not-a-real-secret-\(UUID().uuidString.prefix(8))"
        func url(_ database: String) -> [String: String] {
            ["GREY_DATABASE_URL": "postgres://\(EmbeddedCluster.role):\(password)@/\(database)?host=\(socketDirectory)"]
        }

        // A database that already has Grey's tables is refused.
        let migrated = try #require(try await TestDatabase.makeDatabase().database)
        let used = try await TestDatabase.makeScratchDirectory("backup-url-used")
        let refused = try await runGrey(["restore", "--from", original.backup, "--data-dir", used], environment: url(migrated))
        #expect(refused.status != 0)
        #expect(refused.errors.contains("the database already has"), "\(refused.errors)")

        let empty = "restore_" + UUID().uuidString.lowercased().replacingOccurrences(of: "-", with: "_")
        try await cluster.createDatabaseIfNeeded(empty, logger: TestDatabase.logger)
        let data = try await TestDatabase.makeScratchDirectory("backup-url")
        let restored = try await runGrey(["restore", "--from", original.backup, "--data-dir", data], environment: url(empty))
        #expect(restored.status == 0, "\(restored.errors)")
        let verify = try await runGrey(["ledger", "verify", "--data-dir", data], environment: url(empty))
        #expect(verify.status == 0, "\(verify.output)\(verify.errors)")
        #expect(!FileManager.default.fileExists(atPath: data + "/postgres"), "no embedded cluster beside a database URL")

        // And backs up again through the URL: pg_dump reaches it by libpq's variables.
        let folder = try await TestDatabase.makeScratchDirectory("backup-url-folder")
        let again = try await runGrey(["backup", "--to", folder, "--data-dir", data], environment: url(empty))
        #expect(again.status == 0, "\(again.errors)")
        #expect(try Self.manifestBlobs(folder) == (try Self.manifestBlobs(original.backup)))
        for run in [refused, restored, verify, again] {
            #expect(!(run.output + run.errors).contains(password), "the database password must never be shown")
        }
    }

    @Test func aBlobMissingFromTheStoreFailsTheBackupNamingIt() async throws {
        let data = try await TestDatabase.makeScratchDirectory("backup-missing")
        let server = try GreyProcess(["serve", "--data-dir", data, "--port", "0", "--workers", "0"])
        defer { server.signal(SIGKILL) }
        let ready = try await server.waitForError(ServeProcessTests.readyLine)
        // With no workers the file stays `processing`: its bytes are stored and referenced.
        _ = try await WorkerProcessTests.upload(
            try Self.photo.bytes, filename: Self.photo.filename, type: Self.photo.declaredType, port: ready.port, key: ready.developmentKey
        )
        server.signal(SIGTERM)
        #expect(try await server.waitForExit() == 0)

        // A folder holding other files is refused outright.
        let foreign = try await TestDatabase.makeScratchDirectory("backup-foreign")
        _ = FileManager.default.createFile(atPath: foreign + "/notes.txt", contents: Data("mine".utf8))
        let intoForeign = try await runGrey(["backup", "--to", foreign, "--data-dir", data])
        #expect(intoForeign.status != 0)
        #expect(intoForeign.errors.contains("holds other files (notes.txt)"), "\(intoForeign.errors)")

        let store = try FileSystemBlobStore(root: data + "/blobs", removingLeftovers: false)
        let digest = try #require(BlobDigest(hex: Self.photo.sha256))
        try FileManager.default.removeItem(atPath: store.path(of: digest))
        let folder = try await TestDatabase.makeScratchDirectory("backup-incomplete")
        let failed = try await runGrey(["backup", "--to", folder, "--data-dir", data])
        #expect(failed.status != 0)
        #expect(failed.errors.contains("missing from the blob store"), "\(failed.errors)")
        #expect(failed.errors.contains(Self.photo.sha256))
        #expect(!FileManager.default.fileExists(atPath: folder + "/manifest.json"))
        #expect(!FileManager.default.fileExists(atPath: folder + "/database.dump"))
    }

    // MARK: - Helpers

    /// The manifest's blobs, digest to size, read as plain JSON (not through the Backup module).
    static func manifestBlobs(_ folder: String) throws -> [String: Int64] {
        let data = try Data(contentsOf: URL(fileURLWithPath: folder + "/manifest.json"))
        let manifest = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        let blobs = try #require(manifest["blobs"] as? [[String: Any]])
        return Dictionary(uniqueKeysWithValues: try blobs.map { blob in
            (try #require(blob["sha256"] as? String), try #require((blob["size"] as? NSNumber)?.int64Value))
        })
    }

    static func sha256(_ data: Data) -> String {
        SHA256.hash(data: data).map { String(format: "%02x", $0) }.joined()
    }

    /// Runs a one-off `grey` command; its exit status, standard output and standard error.
    static func runGrey(_ arguments: [String], environment: [String: String] = [:]) async throws -> (status: Int32, output: String, errors: String) {
        let child = try GreyProcess(arguments, environment: environment)
        let status = try await child.waitForExit(timeout: .seconds(180))
        try await Task.sleep(for: .milliseconds(100))  // let the last output chunks arrive
        return (status, child.output, child.errors)
    }

    func runGrey(_ arguments: [String], environment: [String: String] = [:]) async throws -> (status: Int32, output: String, errors: String) {
        try await Self.runGrey(arguments, environment: environment)
    }

    /// The HTTP calls these tests make, with a key and a fresh Idempotency-Key on every POST.
    struct API {
        let port: Int
        let key: String

        func send(_ method: HTTPMethod, _ path: String, json: String? = nil) async throws -> (status: Int, body: ByteBuffer) {
            var request = HTTPClientRequest(url: path.hasPrefix("http") ? path : "http://127.0.0.1:\(port)\(path)")
            request.method = method
            request.headers.add(name: "Authorization", value: "Bearer \(key)")
            if let json {
                request.headers.add(name: "Content-Type", value: "application/json")
                request.headers.add(name: "Idempotency-Key", value: UUID().uuidString)
                request.body = .bytes(ByteBuffer(string: json))
            }
            let response = try await HTTPClient.shared.execute(request, timeout: .seconds(30))
            return (Int(response.status.code), try await response.body.collect(upTo: 16 << 20))
        }

        func object(_ body: ByteBuffer) -> [String: Any] {
            (try? JSONSerialization.jsonObject(with: Data(body.readableBytesView))) as? [String: Any] ?? [:]
        }

        /// POSTs `json` and returns the new object's id, requiring 201.
        func created(_ path: String, _ json: String) async throws -> String {
            let (status, body) = try await send(.POST, path, json: json)
            let answer = object(body)
            guard status == 201, let id = answer["id"] as? String else {
                throw UploadTestError("POST \(path) answered \(status): \(String(buffer: body))")
            }
            return id
        }

        func balance(_ wallet: String) async throws -> Int64? {
            (object(try await send(.GET, "/v1/wallets/\(wallet)/balance").body)["balance"] as? NSNumber)?.int64Value
        }

        /// The file's bytes through a signed download URL.
        func download(_ fileID: String) async throws -> [UInt8] {
            let link = object(try await send(.POST, "/v1/files/\(fileID)/download-url", json: #"{"disposition":"attachment"}"#).body)
            guard let url = link["url"] as? String else { throw UploadTestError("no download URL: \(link)") }
            let (status, body) = try await send(.GET, url)
            guard status == 200 else { throw UploadTestError("GET \(url) answered \(status)") }
            return Array(buffer: body)
        }
    }

    /// The blobs of a backup of an encrypted store are encrypted under the same keys: no
    /// plaintext in the folder, readable with the keys only.
    @Test func aBackupOfAnEncryptedStoreKeepsItsBlobsEncrypted() async throws {
        let directory = try await TestDatabase.makeScratchDirectory("backup-encrypted")
        let keys = try EncryptionKeyRing(parsing: "backup:" + Data((0..<32).map { _ in UInt8.random(in: 0...255) }).base64EncodedString())
        let live = try FileSystemBlobStore(root: directory + "/live", encryption: keys)
        let bytes = Array(String(repeating: "receipt 42.00 EUR, card ending 4242. ", count: 5_000).utf8)
        let info = try await live.put(bytes)

        let folder = BackupFolder(path: directory + "/backup", encryption: keys)
        try FileManager.default.createDirectory(atPath: folder.path, withIntermediateDirectories: true)
        let outcome = try await BlobCopy(source: live, destination: try folder.blobStore(removingLeftovers: true)).copy([info])
        #expect(outcome.copied == 1)
        let stored = try Data(contentsOf: URL(fileURLWithPath: try folder.blobStore().path(of: info.digest)))
        #expect(stored.range(of: Data("card ending 4242".utf8)) == nil)
        #expect(try await Self.collect(try folder.blobStore().read(info.digest, range: nil)) == bytes)

        // Without the keys the folder gives only the stored ciphertext.
        let withoutKeys = try BackupFolder(path: folder.path).blobStore()
        #expect(try await Self.collect(try withoutKeys.read(info.digest, range: nil)) != bytes)
    }

    static func collect(_ stream: BlobReadStream) async throws -> [UInt8] {
        var bytes: [UInt8] = []
        for try await chunk in stream { bytes += chunk.readableBytesView }
        return bytes
    }
}
