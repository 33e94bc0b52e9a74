public import Ingest

/// Settings of the HTTP server, read from flags and the environment by `grey serve`.
public struct ServerConfiguration: Sendable {
    public var host: String
    public var port: Int
    /// Grey's data directory: the embedded database and the blob store live here.
    public var dataDirectory: String
    /// Browser origins allowed to call the API (`*` for any).
    public var corsOrigins: [String]
    /// The origin clients reach Grey on (`https://files.example.com`), for the absolute
    /// URLs Grey hands out; nil uses each request's Host.
    public var publicURL: String?
    /// Seconds a connection may send nothing before it is closed.
    public var idleTimeoutSeconds = 30
    /// How long `/readyz` waits for the database before answering 503.
    public var readinessTimeout: Duration = .seconds(2)
    public var uploadPolicy = UploadPolicy()

    public init(host: String = "127.0.0.1", port: Int = 8080, dataDirectory: String = ".grey", corsOrigins: [String] = []) {
        self.host = host
        self.port = port
        self.dataDirectory = dataDirectory
        self.corsOrigins = corsOrigins
    }

    /// Where uploaded bytes are kept when the blob store is the data directory's.
    public var blobDirectory: String { dataDirectory + "/blobs" }
    /// Whether the blob store is remote (S3): readiness then asks it instead of checking
    /// ``blobDirectory``.
    public var blobStoreIsRemote = false
}
