public import Storage

/// Which blob store a Grey process keeps its bytes in, from the environment.
/// `GREY_BLOB_STORE` unset (or empty) keeps them under the data directory, `DATA/blobs`, the
/// embedded default; `s3://BUCKET?endpoint=…&region=…` keeps them in an S3-compatible bucket
/// (credentials from `GREY_S3_ACCESS_KEY` and `GREY_S3_SECRET_KEY`). `GREY_ENCRYPTION_KEYS`
/// or `GREY_ENCRYPTION_KEY_FILE` encrypt them at rest in either. The server, its workers and
/// the backup commands read the same settings, so they always share one store.
public struct BlobStoreLocation: Sendable, CustomStringConvertible {
    public enum Place: Sendable {
        case fileSystem(root: String)
        case s3(S3Configuration)
    }

    public static let variable = "GREY_BLOB_STORE"

    public let place: Place
    /// The master keys blobs are encrypted under (AES-GCM in 64 KiB segments); nil keeps
    /// them as they are.
    public let encryption: EncryptionKeyRing?

    public init(place: Place, encryption: EncryptionKeyRing?) {
        self.place = place
        self.encryption = encryption
    }

    public init(environment: [String: String], dataDirectory: String) throws {
        let setting = environment[Self.variable] ?? ""
        let place: Place
        if setting.isEmpty {
            place = .fileSystem(root: dataDirectory + "/blobs")
        } else if setting.hasPrefix("s3://") {
            place = .s3(try S3Configuration(url: setting, environment: environment))
        } else {
            throw S3Error.configuration("\(Self.variable) must be empty (the data directory) or s3://BUCKET?endpoint=URL&region=REGION")
        }
        self.init(place: place, encryption: try EncryptionKeyRing.fromEnvironment(environment))
    }

    public static let coldVariable = "GREY_COLD_STORE"

    /// The cold tier beside this store, from `GREY_COLD_STORE` (`s3://…`, with the same
    /// credentials and encryption keys); nil when it is unset or empty.
    public func coldTier(environment: [String: String]) throws -> BlobStoreLocation? {
        guard let url = environment[Self.coldVariable], !url.isEmpty else { return nil }
        guard url.hasPrefix("s3://") else { throw S3Error.configuration("\(Self.coldVariable) must be s3://BUCKET?endpoint=URL&region=REGION") }
        return BlobStoreLocation(place: .s3(try S3Configuration(url: url, environment: environment)), encryption: encryption)
    }

    /// The store, read through to its cold tier when `environment` names one.
    public func openTiered(environment: [String: String], removingLeftovers: Bool = true) throws -> any BlobStore {
        let store = try open(removingLeftovers: removingLeftovers)
        guard let cold = try coldTier(environment: environment) else { return store }
        return TieredBlobStore(hot: store, cold: try cold.open())
    }

    /// Opens the store.
    ///
    /// - Parameter removingLeftovers: whether the filesystem store clears unfinished puts of
    ///   an earlier run (the server does; a worker beside a running server must not).
    public func open(removingLeftovers: Bool = true) throws -> any BlobStore {
        switch place {
        case .fileSystem(let root): try FileSystemBlobStore(root: root, removingLeftovers: removingLeftovers, encryption: encryption)
        case .s3(let configuration): S3BlobStore(configuration: configuration, encryption: encryption)
        }
    }

    /// The directory of a filesystem store; nil for a remote one.
    public var directory: String? {
        if case .fileSystem(let root) = place { root } else { nil }
    }

    /// Where the bytes are, without credentials, and whether they are encrypted.
    public var description: String {
        let base = switch place {
        case .fileSystem(let root): root
        case .s3(let configuration): configuration.description
        }
        return encryption == nil ? base : base + " (encrypted)"
    }
}
