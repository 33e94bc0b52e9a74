import Foundation

/// Where the system's PostgreSQL server programs live.
struct PostgresBinaries: Sendable {
    var initdb: String
    var pgCtl: String

    /// Finds the newest PostgreSQL under /usr/lib/postgresql (Debian's layout), then PATH.
    static func locate() throws -> PostgresBinaries {
        let fileManager = FileManager.default
        let root = "/usr/lib/postgresql"
        let versions = ((try? fileManager.contentsOfDirectory(atPath: root)) ?? [])
            .compactMap { Int($0) }
            .sorted(by: >)
        for version in versions {
            let bin = "\(root)/\(version)/bin"
            if fileManager.isExecutableFile(atPath: "\(bin)/initdb"), fileManager.isExecutableFile(atPath: "\(bin)/pg_ctl") {
                return PostgresBinaries(initdb: "\(bin)/initdb", pgCtl: "\(bin)/pg_ctl")
            }
        }
        let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/local/bin:/usr/bin:/bin"
        for directory in path.split(separator: ":") {
            let initdb = "\(directory)/initdb"
            let pgCtl = "\(directory)/pg_ctl"
            if fileManager.isExecutableFile(atPath: initdb), fileManager.isExecutableFile(atPath: pgCtl) {
                return PostgresBinaries(initdb: initdb, pgCtl: pgCtl)
            }
        }
        throw EmbeddedClusterError.binariesNotFound
    }
}
