import Foundation

/// A PostgreSQL client program (`pg_dump`, `pg_restore`) of a known major version.
///
/// Found the way Grey finds the embedded cluster's `initdb` and `pg_ctl`: Debian's
/// `/usr/lib/postgresql/<major>/bin` first, then PATH. The server's own major version is
/// preferred, so that the embedded cluster is dumped by the programs it was made with.
struct PostgresTool: Sendable {
    let name: String
    let path: String
    let majorVersion: Int

    /// The program `name` for a server of `serverMajorVersion`: that version if installed,
    /// else the newest one no older than `minimumMajorVersion` (pg_dump reads older servers;
    /// pg_restore reads older dumps).
    static func locate(_ name: String, serverMajorVersion: Int, minimumMajorVersion: Int) throws -> PostgresTool {
        let candidates = installedVersions(of: name)
        let usable = candidates.filter { $0.majorVersion >= minimumMajorVersion }
        if let exact = usable.first(where: { $0.majorVersion == serverMajorVersion }) { return exact }
        guard let newest = usable.max(by: { $0.majorVersion < $1.majorVersion }) else {
            throw BackupError.toolNotFound(name: name, minimumMajorVersion: minimumMajorVersion)
        }
        return newest
    }

    /// Every copy of `name` under /usr/lib/postgresql; failing those, the one on PATH,
    /// whose version it reports itself.
    private static func installedVersions(of name: String) -> [PostgresTool] {
        let fileManager = FileManager.default
        let root = "/usr/lib/postgresql"
        let debian = ((try? fileManager.contentsOfDirectory(atPath: root)) ?? []).compactMap { entry -> PostgresTool? in
            guard let major = Int(entry) else { return nil }
            let path = "\(root)/\(entry)/bin/\(name)"
            return fileManager.isExecutableFile(atPath: path) ? PostgresTool(name: name, path: path, majorVersion: major) : nil
        }
        if !debian.isEmpty { return debian }
        let searchPath = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/local/bin:/usr/bin:/bin"
        for directory in searchPath.split(separator: ":") {
            let path = "\(directory)/\(name)"
            guard fileManager.isExecutableFile(atPath: path), let major = reportedMajorVersion(of: path) else { continue }
            return [PostgresTool(name: name, path: path, majorVersion: major)]
        }
        return []
    }

    /// The major version in `pg_dump (PostgreSQL) 15.8 (Debian …)`.
    private static func reportedMajorVersion(of path: String) -> Int? {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: path)
        process.arguments = ["--version"]
        let output = Pipe()
        process.standardOutput = output
        process.standardError = FileHandle.nullDevice
        guard (try? process.run()) != nil else { return nil }
        let text = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        let words = text.split(separator: " ")
        guard let marker = words.firstIndex(of: "(PostgreSQL)"), marker + 1 < words.count else { return nil }
        return words[marker + 1].split(separator: ".").first.flatMap { Int($0) }
    }

    /// Runs the program to completion with `arguments` and exactly `environment`;
    /// throws ``BackupError/toolFailed(name:status:output:)`` with its standard error
    /// unless it exits 0.
    func run(_ arguments: [String], environment: [String: String]) async throws {
        // Standard error goes to a file, not a pipe: a chatty program cannot fill it and stall.
        let errorPath = FileManager.default.temporaryDirectory.appendingPathComponent("grey-\(name)-\(UUID().uuidString).log").path
        guard FileManager.default.createFile(atPath: errorPath, contents: nil, attributes: [.posixPermissions: 0o600]),
            let errorFile = FileHandle(forWritingAtPath: errorPath)
        else { throw BackupError.io(operation: "create", path: errorPath, errno: errno) }
        defer {
            try? errorFile.close()
            try? FileManager.default.removeItem(atPath: errorPath)
        }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: path)
        process.arguments = arguments
        process.environment = environment
        process.standardInput = FileHandle.nullDevice
        process.standardOutput = FileHandle.nullDevice
        process.standardError = errorFile
        let status: Int32 = try await withCheckedThrowingContinuation { continuation in
            process.terminationHandler = { ended in
                let signalled = ended.terminationReason == .uncaughtSignal
                continuation.resume(returning: signalled ? 128 + ended.terminationStatus : ended.terminationStatus)
            }
            do {
                try process.run()
            } catch {
                process.terminationHandler = nil
                continuation.resume(throwing: error)
            }
        }
        guard status == 0 else {
            let output = (try? String(contentsOfFile: errorPath, encoding: .utf8)) ?? ""
            throw BackupError.toolFailed(name: name, status: status, output: String(output.suffix(2000)))
        }
    }
}
