import ArgumentParser
import Database
import Foundation
import Logging
import Server
import StructuredLogging

/// Options every command shares. Each flag falls back to its environment variable,
/// then to the default; secrets (the database URL) come from the environment only.
struct CommonOptions: ParsableArguments {
    @Option(name: .customLong("data-dir"), help: "Data directory (env GREY_DATA_DIR, default ./.grey).")
    var dataDirectory: String?

    @Option(name: .customLong("log-level"), help: "trace, debug, info, notice, warning, error or critical (env GREY_LOG_LEVEL, default info).")
    var logLevel: String?

    var environment: [String: String] { ProcessInfo.processInfo.environment }

    var resolvedDataDirectory: String {
        let path = dataDirectory ?? environment["GREY_DATA_DIR"] ?? ".grey"
        return URL(fileURLWithPath: path).standardizedFileURL.path
    }

    /// The embedded cluster unless `GREY_DATABASE_URL` names a server.
    var databaseLocation: DatabaseLocation {
        DatabaseLocation(databaseURL: environment["GREY_DATABASE_URL"], dataDirectory: resolvedDataDirectory)
    }

    /// Sends every log line through ``JSONLogHandler`` and returns the command's logger.
    /// The server logs to standard output; one-off commands log to standard error so
    /// their own output (a new key, say) stays clean.
    func bootstrapLogging(toStandardOutput: Bool = false) throws -> Logger {
        let name = logLevel ?? environment["GREY_LOG_LEVEL"] ?? "info"
        guard let level = Logger.Level(rawValue: name) else {
            throw ValidationError("unknown log level '\(name)'")
        }
        let descriptor = toStandardOutput ? STDOUT_FILENO : STDERR_FILENO
        LoggingSystem.bootstrap { label in JSONLogHandler(label: label, level: level, fileDescriptor: descriptor) }
        return Logger(label: "grey")
    }
}
