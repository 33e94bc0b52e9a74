import ArgumentParser
import Audit
import Database
import PostgresNIO

/// `grey audit`: the audit log's administration.
struct AuditCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "audit", abstract: "Audit log administration.", subcommands: [Verify.self]
    )

    /// `grey audit verify`: seals what is pending, then walks every tenant's chain.
    struct Verify: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Seal pending audit events, then recompute every tenant's hash chain; exit 1 on any break."
        )

        @OptionGroup var options: CommonOptions

        func run() async throws {
            let logger = try options.bootstrapLogging()
            let (sealed, report) = try await options.databaseLocation.withDatabase(logger: logger) { client in
                try await Migrator.bundled().apply(on: client, logger: logger)
                let sealed = try await AuditSealer(client: client, logger: logger).sealPending()
                return (sealed, try await AuditVerifier(client: client, logger: logger).verify())
            }
            print("audit verify: \(report.tenants) tenant chains, \(report.sealedEvents) events checked (\(sealed) sealed just now), \(report.unsealedEvents) recorded since")
            for problem in report.problems { print("  \(problem)") }
            if report.problemCount > report.problems.count { print("  ... and \(report.problemCount - report.problems.count) more") }
            print(report.isClean ? "OK: every chain verifies" : "FAILED: \(report.problemCount) problems")
            if !report.isClean { throw ExitCode(1) }
        }
    }
}
