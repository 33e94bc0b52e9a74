import ArgumentParser
import Database
import Foundation
import PostgresNIO
import Tenancy

/// `grey keys create|revoke|list`: API keys, which also bring tenants into being.
struct Keys: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Create, revoke and list API keys.",
        subcommands: [Create.self, Revoke.self, List.self]
    )

    struct Create: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Create a key (and the tenant, if new); the key is the last line printed."
        )

        @OptionGroup var options: CommonOptions

        @Option(help: "Tenant name: 1-100 letters, digits, '.', '_' or '-'.")
        var tenant: String

        @Option(help: "Comma-separated scopes (default: all of \(Scope.allCases.map(\.rawValue).joined(separator: ", "))).")
        var scopes: String?

        func validate() throws {
            guard Tenant.isValidName(tenant) else { throw ValidationError(APIKeyStoreError.invalidTenantName(tenant).description) }
            if let scopes, case .failure(let error) = Scope.parseList(scopes) { throw ValidationError(error.description) }
        }

        func run() async throws {
            let logger = try options.bootstrapLogging()
            let wanted = try scopes.map { try Scope.parseList($0).get() } ?? Set(Scope.allCases)
            let tenant = self.tenant
            let issued = try await options.databaseLocation.withDatabase(logger: logger) { client in
                try await Migrator.bundled().apply(on: client, logger: logger)
                return try await APIKeyStore(client: client, logger: logger).create(tenantName: tenant, scopes: wanted)
            }
            print("tenant: \(issued.key.tenant.name)")
            print("key id: \(APIKeyStore.identifier.format(issued.key.id))")
            print("scopes: \(issued.key.scopes.sorted().map(\.rawValue).joined(separator: " "))")
            print(issued.token)
        }
    }

    struct Revoke: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Revoke a key, named by its id (key_...) or the key itself.")

        @OptionGroup var options: CommonOptions

        @Argument(help: "The key id or the key.")
        var key: String

        func run() async throws {
            let logger = try options.bootstrapLogging()
            let key = self.key
            let revoked = try await options.databaseLocation.withDatabase(logger: logger) { client in
                try await Migrator.bundled().apply(on: client, logger: logger)
                return try await APIKeyStore(client: client, logger: logger).revoke(key)
            }
            guard revoked else {
                FileHandle.standardError.write(Data("no live key matches\n".utf8))
                throw ExitCode(1)
            }
            print("revoked")
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List a tenant's keys (never their secrets).")

        @OptionGroup var options: CommonOptions

        @Option(help: "Tenant name.")
        var tenant: String

        func run() async throws {
            let logger = try options.bootstrapLogging()
            let tenant = self.tenant
            let keys = try await options.databaseLocation.withDatabase(logger: logger) { client in
                try await Migrator.bundled().apply(on: client, logger: logger)
                return try await APIKeyStore(client: client, logger: logger).list(tenantName: tenant)
            }
            for key in keys {
                let state = key.revokedAt.map { "revoked \($0.formatted(.iso8601))" } ?? "active"
                print("\(APIKeyStore.identifier.format(key.id))  \(key.scopes.sorted().map(\.rawValue).joined(separator: ","))  created \(key.createdAt.formatted(.iso8601))  \(state)")
            }
        }
    }
}
