import Database
import NIOCore
import NIOPosix
import Testing

/// A task that prefers an ``EventLoopTaskExecutor`` runs on that event loop's thread, and
/// comes back to it after every suspension, so it never waits in the shared pool's queue.
@Suite struct EventLoopTaskExecutorTests {
    @Test func aTaskRunsOnItsLoopBeforeAndAfterSuspending() async throws {
        let group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
        defer { group.shutdownGracefully { _ in } }
        let executor = EventLoopTaskExecutor(eventLoop: group.next())
        let onLoop = await Task(executorPreference: executor) {
            var seen = [executor.eventLoop.inEventLoop]
            for _ in 0..<3 {
                try? await Task.sleep(for: .milliseconds(5))
                await Task.yield()
                seen.append(executor.eventLoop.inEventLoop)
            }
            return seen
        }.value
        #expect(onLoop == [true, true, true, true])
        // Without the preference, the same work runs in the shared pool, off the loop.
        let offLoop = await Task { executor.eventLoop.inEventLoop }.value
        #expect(!offLoop)
    }
}
