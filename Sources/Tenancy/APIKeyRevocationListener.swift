import Foundation
public import Logging
public import PostgresNIO
public import ServiceLifecycle

/// Keeps an ``APIKeyCache`` honest: listens on the channel the `api_keys` trigger
/// notifies (with the key's id) and evicts each key named there. While it is not
/// subscribed the cache is off; it reconnects after a second.
public struct APIKeyRevocationListener: Service {
    /// The channel migration 0005's trigger notifies.
    static let channel = "grey_api_keys"

    let client: PostgresClient
    let cache: APIKeyCache
    let logger: Logger

    public init(client: PostgresClient, cache: APIKeyCache, logger: Logger) {
        self.client = client
        self.cache = cache
        self.logger = logger
    }

    public func run() async throws {
        defer { cache.setListening(false) }
        while !Task.isShuttingDownGracefully, !Task.isCancelled {
            do {
                try await cancelWhenGracefulShutdown {
                    try await client.withConnection { connection in
                        try await connection.listen(on: Self.channel) { notifications in
                            cache.setListening(true)
                            for try await notification in notifications {
                                if let keyID = UUID(uuidString: notification.payload) { cache.evict(keyID) }
                            }
                        }
                    }
                }
            } catch {
                if Task.isShuttingDownGracefully || Task.isCancelled { break }
                logger.warning("API key listener lost its connection; cache off until it is back", metadata: ["error": "\(String(reflecting: error))"])
            }
            cache.setListening(false)
            try? await cancelWhenGracefulShutdown { try await Task.sleep(for: .seconds(1)) }
        }
    }
}
