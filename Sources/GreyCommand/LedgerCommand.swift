import ArgumentParser
import Database
import LedgerLink
import PostgresNIO

/// `grey ledger`: administration of the ledger.
struct LedgerCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "ledger", abstract: "Ledger administration.", subcommands: [Verify.self]
    )

    /// `grey ledger verify`: recomputes every balance from the entries; exits 1 on any discrepancy.
    struct Verify: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Recompute every balance from the entries and check every chain and transaction; exit 1 on any discrepancy."
        )

        @OptionGroup var options: CommonOptions

        func run() async throws {
            let logger = try options.bootstrapLogging()
            let report = try await options.databaseLocation.withDatabase(logger: logger) { client in
                try await Migrator.bundled().apply(on: client, logger: logger)
                return try await LedgerVerifier(client: client, logger: logger).verify()
            }
            print(report.text)
            if !report.isClean { throw ExitCode(1) }
        }
    }
}
