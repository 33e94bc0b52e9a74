import Database
import ServiceLifecycle
import Synchronization
import Testing

/// The steps of `grey serve`'s start-up: a service behind a gate runs only once the gate
/// opens, a shutdown before that ends it without running it, and a service that opens a
/// gate opens it as it starts.
@Suite struct StartupGateTests {
    /// Counts its runs.
    final class CountingService: Service {
        let runs = Atomic<Int>(0)
        func run() async throws { runs.add(1, ordering: .relaxed) }
    }

    @Test func aServiceRunsOnlyOnceTheGateOpens() async throws {
        let gate = StartupGate()
        let service = CountingService()
        let waiting = Task { try await StartupStep(service, after: gate).run() }
        try await Task.sleep(for: .milliseconds(100))
        #expect(service.runs.load(ordering: .relaxed) == 0)
        gate.open()
        try await waiting.value
        #expect(service.runs.load(ordering: .relaxed) == 1)
        // Open stays open.
        #expect(await gate.passed())
    }

    @Test func cancellingAWaiterEndsItWithoutRunning() async throws {
        let gate = StartupGate()
        let service = CountingService()
        let waiting = Task { try await StartupStep(service, after: gate).run() }
        try await Task.sleep(for: .milliseconds(100))
        waiting.cancel()
        try await waiting.value
        #expect(service.runs.load(ordering: .relaxed) == 0)
        // Cancelled before it even waits: false at once.
        let early = Task {
            withUnsafeCurrentTask { $0?.cancel() }
            return await gate.passed()
        }
        #expect(await early.value == false)
    }

    @Test func aServiceOpensItsGateAsItStarts() async throws {
        let gate = StartupGate()
        let service = CountingService()
        try await StartupStep(service, opening: gate).run()
        #expect(await gate.passed())
        #expect(service.runs.load(ordering: .relaxed) == 1)
    }
}
