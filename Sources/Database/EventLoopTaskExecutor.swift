public import NIOCore

/// Runs a task's jobs on one NIO event loop thread: a task that prefers this executor
/// (`Task(executorPreference:)`) resumes there, not in the shared cooperative pool, so it
/// never waits in that pool's queue behind other work.
public final class EventLoopTaskExecutor: TaskExecutor {
    public let eventLoop: any EventLoop

    public init(eventLoop: any EventLoop) {
        self.eventLoop = eventLoop
    }

    public func enqueue(_ job: consuming ExecutorJob) {
        let job = UnownedJob(job)
        eventLoop.execute {
            job.runSynchronously(on: self.asUnownedTaskExecutor())
        }
    }
}

