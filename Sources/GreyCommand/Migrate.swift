import ArgumentParser
import Database
import PostgresNIO

/// `grey migrate`: applies pending migrations and exits.
struct Migrate: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Apply pending database migrations.")

    @OptionGroup var options: CommonOptions

    func run() async throws {
        let logger = try options.bootstrapLogging()
        let applied = try await options.databaseLocation.withDatabase(logger: logger) { client in
            try await Migrator.bundled().apply(on: client, logger: logger)
        }
        print(applied.isEmpty ? "migrations: up to date" : "migrations: applied \(applied.map(\.name).joined(separator: ", "))")
    }
}
