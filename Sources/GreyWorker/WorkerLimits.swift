import ArgumentParser
import Foundation
import Jobs

/// The limits one worker process runs its jobs under.
struct WorkerLimits: Sendable {
    let seconds: Int
    let mebibytes: Int

    init(seconds: Int, mebibytes: Int) throws {
        guard (1...86_400).contains(seconds) else { throw ValidationError("the time limit must be 1 to 86400 seconds") }
        // Below about 400 MiB of address space the Swift runtime and its threads may not start.
        guard (512...1_048_576).contains(mebibytes) else { throw ValidationError("the memory limit must be 512 to 1048576 MiB") }
        self.seconds = seconds
        self.mebibytes = mebibytes
    }

    /// Caps the process's address space: an allocation past it fails (libvips, poppler and
    /// libav report that as an error) instead of the machine running out of memory.
    func applyMemoryLimit() throws {
        let bytes = rlim_t(mebibytes) << 20
        var limit = rlimit(rlim_cur: bytes, rlim_max: bytes)
        guard setrlimit(Int32(RLIMIT_AS.rawValue), &limit) == 0 else {
            throw ValidationError("cannot set the memory limit: \(String(cString: strerror(errno)))")
        }
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
