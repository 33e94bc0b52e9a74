public import ServiceLifecycle
import Synchronization

/// A step of `grey serve`'s start-up that other parts wait for: it opens once, for good.
/// The database client is itself a service, so the migrations can only run once it has
/// started, and the services that query the schema must wait for the migrations, or their
/// first round would meet a fresh database without its tables.
public final class StartupGate: Sendable {
    private struct State {
        var isOpen = false
        var waiters: [Int: CheckedContinuation<Bool, Never>] = [:]
        var nextWaiter = 0
    }

    private let state = Mutex(State())

    public init() {}

    /// Lets every waiter through, now and from now on.
    public func open() {
        let waiters = state.withLock { state in
            state.isOpen = true
            defer { state.waiters = [:] }
            return state.waiters.values
        }
        for waiter in waiters { waiter.resume(returning: true) }
    }

    /// Returns true once the gate is open, or false if the task is cancelled first.
    public func passed() async -> Bool {
        let id = state.withLock { state in
            state.nextWaiter += 1
            return state.nextWaiter
        }
        return await withTaskCancellationHandler {
            await withCheckedContinuation { continuation in
                let resumeNow: Bool? = state.withLock { state in
                    if state.isOpen { return true }
                    if Task.isCancelled { return false }
                    state.waiters[id] = continuation
                    return nil
                }
                if let resumeNow { continuation.resume(returning: resumeNow) }
            }
        } onCancel: {
            state.withLock { $0.waiters.removeValue(forKey: id) }?.resume(returning: false)
        }
    }
}

/// A service in its place in start-up: it runs once `after` is open (and ends at once,
/// without running, if the server shuts down first), and opens `opening` as it starts (the
/// database client: whoever waits for it can then lease a connection without the lease
/// being queued for a client not yet running).
public struct StartupStep: Service {
    let service: any Service
    let after: StartupGate?
    let opening: StartupGate?

    public init(_ service: any Service, after: StartupGate? = nil, opening: StartupGate? = nil) {
        self.service = service
        self.after = after
        self.opening = opening
    }

    public func run() async throws {
        if let after {
            guard await cancelWhenGracefulShutdown({ await after.passed() }) else { return }
        }
        opening?.open()
        try await service.run()
    }
}
