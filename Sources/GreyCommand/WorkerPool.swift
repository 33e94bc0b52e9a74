import Foundation
import Ingest
import Jobs
import Logging
import ServiceLifecycle
import Storage
import Synchronization

/// Keeps `count` `grey-worker` processes running beside the server: a worker that ends
/// (a decoder crashed, the time or memory limit ended it, or it was killed) is replaced,
/// and the job it held is settled at once rather than after its lease. A job that ended
/// its worker ``decoderAttempts`` times rejects its file (`decode_timeout` or
/// `decode_failed`): a file that hangs or crashes the decoders is never retried forever.
struct WorkerPool: Service {
    /// How many times a file may end a worker before it is rejected.
    static let decoderAttempts = 2

    let executable: String
    let count: Int
    let arguments: [String]
    let queue: JobQueue
    let files: FileStore
    let blobs: any BlobStore
    let logger: Logger

    func run() async throws {
        await withDiscardingTaskGroup { group in
            for slot in 0..<count {
                group.addTask { await supervise(slot: slot) }
            }
            try? await gracefulShutdown()
            group.cancelAll()
        }
    }

    /// `grey-worker` beside this executable (the build puts both in one folder).
    static func siblingExecutable() throws -> String {
        let own = (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")) ?? CommandLine.arguments[0]
        let path = URL(fileURLWithPath: own).deletingLastPathComponent().appendingPathComponent("grey-worker").path
        guard FileManager.default.isExecutableFile(atPath: path) else {
            throw WorkerExecutableMissing(path: path)
        }
        return path
    }

    /// Runs one slot's worker, again and again, until shutdown.
    func supervise(slot: Int) async {
        var generation = 0
        while !Task.isCancelled {
            generation += 1
            let name = "serve\(getpid())-w\(slot).\(generation)"
            let started = ContinuousClock.now
            let ending: WorkerEnding
            do {
                ending = try await WorkerProcess.run(executable: executable, arguments: arguments + ["--name", name])
            } catch {
                logger.error("cannot start a preview worker", metadata: ["executable": "\(executable)", "error": "\(error)"])
                try? await Task.sleep(for: .seconds(5))
                continue
            }
            if Task.isCancelled { return }
            logger.warning("a preview worker ended; starting another", metadata: ["worker": "\(name)", "ending": "\(ending)"])
            await settleJobs(of: name, ending: ending)
            // A worker that cannot even start (a bad setting) is not restarted in a tight loop.
            if ContinuousClock.now - started < .seconds(2) { try? await Task.sleep(for: .seconds(2)) }
        }
    }

    /// Fails the jobs the ended worker held, or rejects their files once they have ended
    /// a worker too often.
    func settleJobs(of worker: String, ending: WorkerEnding) async {
        do {
            for job in try await queue.running(claimedBy: worker) {
                if job.attempts >= Self.decoderAttempts,
                   try await files.markRejected(
                       tenantID: job.tenantID, id: job.fileID, code: ending.rejectionCode, detail: ending.description, deletingFrom: blobs
                   ) {
                    try await queue.complete(job, worker: worker)
                } else {
                    try await queue.fail(job, worker: worker, error: ending.description)
                }
            }
        } catch {
            logger.error("cannot settle the jobs of an ended worker; their leases will run out", metadata: ["error": "\(error)"])
        }
    }
}

/// `grey-worker` is not where `grey serve` looks for it.
struct WorkerExecutableMissing: Error, CustomStringConvertible {
    let path: String
    var description: String {
        "the preview worker \(path) is missing: build it (swift build --product grey-worker) or run with --workers 0"
    }
}

/// How a worker process ended.
struct WorkerEnding: Sendable, CustomStringConvertible {
    let status: Int32
    let signalled: Bool

    var isTimeout: Bool { signalled && status == SIGALRM }

    /// The file's rejection code when this ending repeats.
    var rejectionCode: String { isTimeout ? "decode_timeout" : "decode_failed" }

    var description: String {
        if isTimeout { return "the worker ran out of time (its time limit ended it)" }
        if signalled { return "the worker process was ended by signal \(status)" }
        return "the worker process exited with status \(status)"
    }
}

/// A `grey-worker` child process: its output goes to the server's, and it is sent
/// SIGTERM (then SIGKILL after ten seconds) when the server shuts down. The wait for its
/// exit outlives that cancellation, so the server stops only after its workers have.
enum WorkerProcess {
    static func run(executable: String, arguments: [String]) async throws -> WorkerEnding {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        process.standardInput = FileHandle.nullDevice
        let exit = WorkerExit()
        // Foundation calls this when the child exits (it watches SIGCHLD). Not
        // `waitUntilExit()`, which on Linux spins a run loop: a whole core per worker.
        process.terminationHandler = { process in
            exit.end(WorkerEnding(status: process.terminationStatus, signalled: process.terminationReason == .uncaughtSignal))
        }
        try process.run()
        let pid = process.processIdentifier
        return await withTaskCancellationHandler {
            await exit.wait()
        } onCancel: {
            kill(pid, SIGTERM)
            Thread.detachNewThread {
                Thread.sleep(forTimeInterval: 10)
                if process.isRunning { kill(pid, SIGKILL) }
            }
        }
    }
}

/// A worker process's ending, awaited once; it may come before anyone waits.
private final class WorkerExit: Sendable {
    private enum State {
        case running(waiting: CheckedContinuation<WorkerEnding, Never>?)
        case ended(WorkerEnding)
    }

    private let state = Mutex(State.running(waiting: nil))

    func end(_ ending: WorkerEnding) {
        let waiting = state.withLock { state -> CheckedContinuation<WorkerEnding, Never>? in
            guard case .running(let waiting) = state else { return nil }
            state = .ended(ending)
            return waiting
        }
        waiting?.resume(returning: ending)
    }

    /// The ending; not cut short by cancellation (the caller's cancellation ends the process).
    func wait() async -> WorkerEnding {
        await withCheckedContinuation { continuation in
            let ended = state.withLock { state -> WorkerEnding? in
                switch state {
                case .ended(let ending): return ending
                case .running: state = .running(waiting: continuation); return nil
                }
            }
            if let ended { continuation.resume(returning: ended) }
        }
    }
}
