import ArgumentParser
import Foundation

/// `grey worker`: one preview worker in the foreground, for machines that run workers
/// apart from the API (the server's own are started by `grey serve`). It becomes the
/// `grey-worker` process, so the server binary never loads the decoders.
struct Worker: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Run one preview worker (see grey-worker --help for its options).",
        discussion: "Every argument is passed to grey-worker unchanged."
    )

    @Argument(parsing: .allUnrecognized, help: "Options for grey-worker: --data-dir, --name, --time-limit, --memory-limit, --lease, --log-level.")
    var arguments: [String] = []

    func run() throws {
        let executable = try WorkerPool.siblingExecutable()
        let argv = ([executable] + arguments).map { strdup($0) } + [nil]
        execv(executable, argv)
        throw ValidationError("cannot start \(executable): \(String(cString: strerror(errno)))")
    }
}
