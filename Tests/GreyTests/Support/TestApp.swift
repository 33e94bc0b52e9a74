import Database
import Foundation
import Hummingbird
import HummingbirdTesting
import Logging
import NIOPosix
import PostgresNIO
import Server
import Signing
@testable import S3Storage
import Storage
import Testing

/// Where a test app keeps its blobs; suites that hold for every store take these as arguments.
enum TestBlobStore: String, CaseIterable, Sendable, CustomTestStringConvertible {
    case fileSystem
    case s3
    /// The filesystem store with every blob encrypted at rest.
    case encrypted

    var testDescription: String { rawValue }
}

/// The real router on a fresh database, for `app.test(.router)` and `.live`.
struct TestApp {
    let configuration: ServerConfiguration
    /// The fresh database this app runs on.
    let database: PostgresClient.Configuration
    let client: PostgresClient
    let catalogue = RouteCatalogue()
    /// The app's blob store: its data directory's, or a bucket of its own on the shared SeaweedFS.
    let blobs: any BlobStore
    /// Where the live server's origin leaves files to send with `sendfile(2)`, as `grey serve` does.
    let fileRegions = FileRegionHandoff()
    /// Where the live server answers hot signed reads on the connection, as `grey serve` does.
    let directReads = DirectReads()
    /// Where the live server answers money-moving POSTs on the connection, as `grey serve` does.
    let directPostings = DirectPostings()
    /// The master key of the `.encrypted` apps.
    static let encryptionKeys = try! EncryptionKeyRing(parsing: "test:" + Data((0..<32).map { _ in UInt8.random(in: 0...255) }).base64EncodedString())
    /// The keys the test apps sign URLs with.
    static let signingKeys = SigningKeyRing(active: .generate(id: "test"))

    /// A data directory with a blob folder, and a client on a fresh database.
    static func make(corsOrigins: [String] = [], store: TestBlobStore = .fileSystem) async throws -> TestApp {
        let directory = try await TestDatabase.makeScratchDirectory("app")
        var configuration = ServerConfiguration(host: "127.0.0.1", port: 0, dataDirectory: directory, corsOrigins: corsOrigins)
        // The whole suite runs at once on two cores; a first connection can take seconds.
        configuration.readinessTimeout = .seconds(30)
        try FileManager.default.createDirectory(atPath: configuration.blobDirectory, withIntermediateDirectories: true)
        let database = try await TestDatabase.makeDatabase()
        // The client starts with the app's services, so the first requests may wait for it; errors only.
        var clientLogger = TestDatabase.logger
        clientLogger.logLevel = .error
        let client = PostgresClient(configuration: database, backgroundLogger: clientLogger)
        let blobs: any BlobStore =
            switch store {
            case .fileSystem: try FileSystemBlobStore(root: configuration.blobDirectory)
            case .s3: try await SeaweedProcess.shared().makeFreshStore()
            case .encrypted: try FileSystemBlobStore(root: configuration.blobDirectory, encryption: Self.encryptionKeys)
            }
        configuration.blobStoreIsRemote = store == .s3
        return TestApp(configuration: configuration, database: database, client: client, blobs: blobs)
    }

    /// The app; a `live` one runs `grey serve`'s HTTP channel, which sends files with
    /// `sendfile(2)` and answers hot signed reads itself (the in-process router client has
    /// no channel, so its origin writes the bytes itself).
    func application(live: Bool = false) -> some ApplicationProtocol {
        Application(
            router: buildRouter(
                configuration: configuration,
                dependencies: AppDependencies(
                    database: client, logger: TestDatabase.logger,
                    blobs: blobs, signingKeys: Self.signingKeys, fileRegions: live ? fileRegions : nil,
                    directReads: live ? directReads : nil, directPostings: live ? directPostings : nil,
                    postingExecutor: EventLoopTaskExecutor(eventLoop: MultiThreadedEventLoopGroup.singleton.next())
                ),
                catalogue: catalogue
            ),
            server: .greyHTTP1(
                configuration: .init(), fileRegions: live ? fileRegions : nil, directReads: live ? directReads : nil,
                directPostings: live ? directPostings : nil
            ),
            services: [client],
            logger: TestDatabase.logger
        )
    }

    /// What a refused or unfinished put left behind: staged files of the filesystem store,
    /// multipart uploads begun on S3 and neither completed nor aborted.
    func unfinishedPuts() async throws -> [String] {
        if let bucket = blobs as? S3BlobStore { return try await bucket.unfinishedUploads() }
        return try FileManager.default.contentsOfDirectory(atPath: configuration.blobDirectory + "/staging")
    }

    /// Runs `body` against the app through Hummingbird's in-process test client, or, when
    /// `live`, a real server on a loopback port (`client.port`) for outside programs.
    func test<Value: Sendable>(live: Bool = false, _ body: @Sendable (any TestClientProtocol) async throws -> Value) async throws -> Value {
        try await application(live: live).test(live ? .live : .router, body)
    }
}

extension TestResponse {
    /// The body as a JSON object.
    var json: [String: Any] {
        (try? JSONSerialization.jsonObject(with: Data(body.readableBytesView))) as? [String: Any] ?? [:]
    }

    var text: String { String(buffer: body) }
}

extension TestClientProtocol {
    /// Sends one request, with a bearer key and a JSON body when given.
    func send(
        _ method: HTTPRequest.Method, _ uri: String, key: String? = nil, json: String? = nil, headers: HTTPFields = [:]
    ) async throws -> TestResponse {
        var fields = headers
        if let key { fields[.authorization] = "Bearer \(key)" }
        if json != nil, fields[.contentType] == nil { fields[.contentType] = "application/json" }
        return try await executeRequest(uri: uri, method: method, headers: fields, body: json.map { ByteBuffer(string: $0) })
    }
}
