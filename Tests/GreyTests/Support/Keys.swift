import Database
import PostgresNIO
import Tenancy

extension TestApp {
    /// A new key for `tenant` with `scopes`, made through the real key store.
    func makeKey(tenant: String = "tenant-a", scopes: Set<Scope> = Set(Scope.allCases)) async throws -> String {
        try await withKeyStore { try await $0.create(tenantName: tenant, scopes: scopes).token }
    }

    /// Runs `body` with a key store on this app's database.
    func withKeyStore<Result: Sendable>(_ body: @Sendable (APIKeyStore) async throws -> Result) async throws -> Result {
        try await PostgresClient.withRunning(configuration: database, logger: TestDatabase.logger) { client in
            try await body(APIKeyStore(client: client, logger: TestDatabase.logger))
        }
    }
}
