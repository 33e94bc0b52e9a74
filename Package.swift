// swift-tools-version:6.1
import PackageDescription

/// Settings every Grey target shares (the house style, after Hummingbird's).
let strictSettings: [SwiftSetting] = [
    .enableUpcomingFeature("ExistentialAny"),
    .enableUpcomingFeature("MemberImportVisibility"),
    .enableUpcomingFeature("InternalImportsByDefault"),
]

let package = Package(
    name: "Grey",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "grey", targets: ["GreyCommand"]),
        .executable(name: "grey-worker", targets: ["GreyWorker"]),
    ],
    dependencies: [
        .package(url: "https://github.com/hummingbird-project/hummingbird.git", from: "2.28.1"),
        .package(url: "https://github.com/vapor/postgres-nio.git", from: "1.33.2"),
        .package(url: "https://github.com/apple/swift-crypto.git", from: "3.12.3"),
        .package(url: "https://github.com/apple/swift-log.git", from: "1.16.2"),
        .package(url: "https://github.com/apple/swift-metrics.git", from: "2.13.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus.git", from: "2.4.1"),
        .package(url: "https://github.com/apple/swift-argument-parser.git", from: "1.8.2"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle.git", from: "2.13.0"),
        .package(url: "https://github.com/jpsim/Yams.git", from: "6.2.2"),
        .package(url: "https://github.com/apple/swift-http-types.git", from: "1.8.0"),
        .package(url: "https://github.com/apple/swift-nio.git", from: "2.101.2"),
        .package(url: "https://github.com/apple/swift-nio-extras.git", from: "1.35.2"),
        .package(url: "https://github.com/swift-server/async-http-client.git", from: "1.37.0"),
    ],
    targets: [
        // The command line: `grey serve`, `grey migrate`, `grey keys`.
        .executableTarget(
            name: "GreyCommand",
            dependencies: [
                "Server", "Database", "Tenancy", "LedgerLink", "Storage", "S3Storage", "Signing", "Jobs", "Ingest", "StructuredLogging", "Audit", "Backup",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
            ],
            swiftSettings: strictSettings
        ),
        // `grey-worker`: one preview worker process (the decoders live only in these).
        .executableTarget(
            name: "GreyWorker",
            dependencies: [
                "Preview", "Database", "Storage", "S3Storage", "Jobs", "Ingest", "StructuredLogging",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "UnixSignals", package: "swift-service-lifecycle"),
                .product(name: "PostgresNIO", package: "postgres-nio"),
            ],
            swiftSettings: strictSettings
        ),
        // Log lines as JSON objects, for every process.
        .target(name: "StructuredLogging", dependencies: [.product(name: "Logging", package: "swift-log")], swiftSettings: strictSettings),
        // HTTP: routing, middleware, problem+json, operations endpoints.
        .target(
            name: "Server",
            dependencies: [
                "Database", "Tenancy", "LedgerLink", "Ingest", "Origin", "Storage", "Signing", "Jobs", "Audit",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "NIOHTTPTypes", package: "swift-nio-extras"),
                .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            resources: [.copy("Resources/openapi.yaml"), .copy("Resources/web")],
            swiftSettings: strictSettings
        ),
        // PostgreSQL: the embedded cluster, connection settings, migrations.
        .target(
            name: "Database",
            dependencies: [
                .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "Crypto", package: "swift-crypto"),
            ],
            resources: [.copy("Migrations")],
            swiftSettings: strictSettings
        ),
        // The append-only, hash-chained audit log of every write.
        .target(
            name: "Audit",
            dependencies: [
                "Database",
                .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            swiftSettings: strictSettings
        ),
        // Tenants, API keys and their scopes.
        .target(
            name: "Tenancy",
            dependencies: [
                "Database", "Audit",
                .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            swiftSettings: strictSettings
        ),
        // The double-entry ledger.
        .target(
            name: "LedgerLink",
            dependencies: [
                "Database", "Tenancy", "Audit",
                .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            swiftSettings: strictSettings
        ),
        // Content-addressed blob storage: the protocol and the filesystem store.
        .target(
            name: "Storage",
            dependencies: [
                "Database",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "Crypto", package: "swift-crypto"),
            ],
            swiftSettings: strictSettings
        ),
        // The S3-compatible blob store, a target of its own so that grey-worker does not
        // link an HTTP client it has no use for (its address-space limit counts every mapping).
        .target(
            name: "S3Storage",
            dependencies: [
                "Storage", "Database",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
            ],
            swiftSettings: strictSettings
        ),
        // `grey backup` and `grey restore`: one snapshot of the database (pg_dump) and its blobs.
        .target(
            name: "Backup",
            dependencies: [
                "Database", "Storage",
                .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "Crypto", package: "swift-crypto"),
            ],
            swiftSettings: strictSettings
        ),
        // HMAC-signed URLs with rotating keys, for uploads and downloads.
        .target(
            name: "Signing",
            dependencies: ["Database", .product(name: "Crypto", package: "swift-crypto")],
            swiftSettings: strictSettings
        ),
        // libmagic (Debian's libmagic-dev), for sniffing uploaded bytes.
        .systemLibrary(name: "CMagic", pkgConfig: "libmagic", providers: [.apt(["libmagic-dev"])]),
        // Signed uploads, the file allow-list, content sniffing, the files table.
        .target(
            name: "Ingest",
            dependencies: [
                "CMagic", "Database", "Storage", "Signing", "Audit", "LedgerLink",
                .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: strictSettings
        ),
        // The Postgres job queue: claims with SKIP LOCKED under a lease, retries, dead letters.
        .target(
            name: "Jobs",
            dependencies: [
                "Database",
                .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            swiftSettings: strictSettings
        ),
        // libvips (Debian's libvips-dev) and the C calls Swift cannot make into it.
        .systemLibrary(name: "CVips", pkgConfig: "vips", providers: [.apt(["libvips-dev"])]),
        .target(name: "CVipsShim", dependencies: ["CVips"]),
        // poppler-glib and cairo (Debian's libpoppler-glib-dev), with the same kind of shim.
        .systemLibrary(name: "CPoppler", pkgConfig: "poppler-glib", providers: [.apt(["libpoppler-glib-dev"])]),
        .target(name: "CPopplerShim", dependencies: ["CPoppler"]),
        // libavformat and libavcodec (Debian's libavformat-dev, libavcodec-dev).
        .systemLibrary(name: "CAV", pkgConfig: "libavformat", providers: [.apt(["libavformat-dev", "libavcodec-dev"])]),
        .target(
            name: "CAVShim", dependencies: ["CAV"],
            linkerSettings: [
                .linkedLibrary("avformat"), .linkedLibrary("avcodec"), .linkedLibrary("avutil"),
                .linkedLibrary("swscale"), .linkedLibrary("swresample"),
            ]
        ),
        // zlib (Debian's zlib1g-dev), for inflating OOXML zips under a byte cap.
        .systemLibrary(name: "CZlib", pkgConfig: "zlib", providers: [.apt(["zlib1g-dev"])]),
        // Validation and preview workers.
        .target(
            name: "Preview",
            dependencies: [
                "CVipsShim", "CPopplerShim", "CAVShim", "CZlib", "Database", "Ingest", "Storage", "Jobs",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
            ],
            swiftSettings: strictSettings
        ),
        // Signed, ranged, cached reads.
        .target(name: "Origin", swiftSettings: strictSettings),
        .testTarget(
            name: "GreyTests",
            dependencies: [
                "Server", "Database", "Tenancy", "LedgerLink", "Storage", "S3Storage", "Signing", "Ingest", "Jobs", "Preview", "Audit", "Backup",
                .product(name: "HummingbirdTesting", package: "hummingbird"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOEmbedded", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "NIOHTTPTypes", package: "swift-nio-extras"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "Yams", package: "Yams"),
            ],
            swiftSettings: strictSettings
        ),
    ]
)
