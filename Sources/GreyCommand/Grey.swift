import ArgumentParser

/// `grey`: the Grey service and its administration commands.
@main
struct Grey: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "grey",
        abstract: "Grey: a double-entry ledger with a media pipeline for its attachments.",
        subcommands: [Serve.self, Worker.self, Migrate.self, Keys.self, LedgerCommand.self, AuditCommand.self, JobsCommand.self, BackupCommand.self, RestoreCommand.self, TiersCommand.self],
        defaultSubcommand: Serve.self
    )
}
