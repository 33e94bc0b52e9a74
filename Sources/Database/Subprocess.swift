import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// Runs a helper program (initdb, pg_ctl, useradd) to completion and reports how it ended.
///
/// Built on `posix_spawnp` and `waitpid` rather than Foundation's `Process`: `pg_ctl start`
/// leaves a server running that would inherit whatever Process uses to notice the exit,
/// and the wait would last as long as the server. Output goes to a temporary file for
/// the same reason.
struct Subprocess {
    struct Outcome {
        var status: Int32
        var output: String
    }

    /// Runs `arguments[0]`, searched on PATH, with the rest as its arguments.
    static func run(_ arguments: [String]) throws -> Outcome {
        precondition(!arguments.isEmpty, "a command needs a program")
        var template = Array("/tmp/grey-subprocess-XXXXXX".utf8CString)
        let outputDescriptor = template.withUnsafeMutableBufferPointer { mkstemp($0.baseAddress!) }
        guard outputDescriptor >= 0 else { throw EmbeddedClusterError.systemCall(name: "mkstemp", path: "/tmp", errno: errno) }
        let outputPath = String(decoding: template.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
        defer {
            close(outputDescriptor)
            unlink(outputPath)
        }

        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_adddup2(&actions, outputDescriptor, 1)
        posix_spawn_file_actions_adddup2(&actions, outputDescriptor, 2)

        let cStrings = arguments.map { strdup($0) }
        defer { cStrings.forEach { free($0) } }
        var argv = cStrings + [nil]
        var pid: pid_t = 0
        let spawned = argv.withUnsafeMutableBufferPointer { argv in
            posix_spawnp(&pid, argv[0]!, &actions, nil, argv.baseAddress!, environ)
        }
        guard spawned == 0 else { throw EmbeddedClusterError.systemCall(name: "posix_spawnp", path: arguments[0], errno: spawned) }

        var status: Int32 = 0
        while waitpid(pid, &status, 0) < 0 {
            guard errno == EINTR else { throw EmbeddedClusterError.systemCall(name: "waitpid", path: arguments[0], errno: errno) }
        }
        let exitCode = (status & 0x7f) == 0 ? (status >> 8) & 0xff : 128 + (status & 0x7f)
        let text = (try? String(contentsOfFile: outputPath, encoding: .utf8)) ?? ""
        return Outcome(status: exitCode, output: text)
    }

    /// Runs the command and throws ``EmbeddedClusterError/commandFailed`` unless it exits 0.
    @discardableResult
    static func check(_ arguments: [String]) throws -> String {
        let outcome = try run(arguments)
        guard outcome.status == 0 else {
            throw EmbeddedClusterError.commandFailed(
                command: URL(fileURLWithPath: arguments[0]).lastPathComponent,
                status: outcome.status,
                output: String(outcome.output.suffix(2000))
            )
        }
        return outcome.output
    }
}
