public import ServiceLifecycle
import Synchronization

/// Opens once `grey serve` has applied the database's migrations. The database client is
/// itself a service, so the migrations can only run once the services have started; the
/// services that query the schema wait here, or their first round would meet a fresh
/// database without its tables.
public final class MigrationGate: Sendable {
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

/// Runs `service` once `gate` is open; stops at once, without running it, if the server
/// shuts down first.
public struct AfterMigrations: Service {
    let gate: MigrationGate
    let service: any Service

    public init(gate: MigrationGate, service: any Service) {
        self.gate = gate
        self.service = service
    }

    public func run() async throws {
        guard await cancelWhenGracefulShutdown({ await gate.passed() }) else { return }
        try await service.run()
    }
}
