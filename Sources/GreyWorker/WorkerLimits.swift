import ArgumentParser
import Foundation
import Jobs

/// The limits one worker process runs its jobs under.
struct WorkerLimits: Sendable {
    let seconds: Int
    let mebibytes: Int

    init(seconds: Int, mebibytes: Int) throws {
        guard (1...86_400).contains(seconds) else { throw ValidationError("the time limit must be 1 to 86400 seconds") }
        guard (64...1_048_576).contains(mebibytes) else { throw ValidationError("the memory limit must be 64 to 1048576 MiB") }
        self.seconds = seconds
        self.mebibytes = mebibytes
    }

    /// Caps the process's address space at what it maps now plus ``mebibytes``: an
    /// allocation past it fails (libvips, poppler and libav report that as an error)
    /// instead of the machine running out of memory. Called once the worker is up (its
    /// threads, database client and libraries mapped), so the budget is the jobs' own and
    /// does not shrink when the binary or its thread pools grow.
    func applyMemoryLimit() throws {
        let bytes = try Self.mappedBytes() + rlim_t(mebibytes) << 20
        var limit = rlimit(rlim_cur: bytes, rlim_max: bytes)
        guard setrlimit(Int32(RLIMIT_AS.rawValue), &limit) == 0 else {
            throw ValidationError("cannot set the memory limit: \(String(cString: strerror(errno)))")
        }
    }

    /// The process's address space now (the first field of `/proc/self/statm`, in pages).
    static func mappedBytes() throws -> rlim_t {
        let text = try String(contentsOfFile: "/proc/self/statm", encoding: .ascii)
        guard let pages = text.split(separator: " ").first.flatMap({ rlim_t($0) }) else {
            throw ValidationError("cannot read /proc/self/statm")
        }
        return pages * rlim_t(sysconf(Int32(_SC_PAGESIZE)))
    }
}

/// Runs each job under the time limit: an alarm that ends the process (SIGALRM's default
/// action) if the job is still running when it rings. The supervisor sees the signal,
/// fails the job with `decode_timeout` and starts a new worker. A job cannot be stopped
/// more gently: a decoder stuck in C does not look at Swift task cancellation.
struct TimeLimitedHandler: JobHandler {
    let wrapped: any JobHandler
    let limits: WorkerLimits

    func run(_ job: Job) async throws {
        alarm(UInt32(limits.seconds))
        defer { alarm(0) }
        try await wrapped.run(job)
    }
}
