import Database
import ServiceLifecycle
import Synchronization
import Testing

/// The services `grey serve` runs against the schema start only once the migrations are
/// applied, and a shutdown before that ends them without running them.
@Suite struct MigrationGateTests {
    /// Counts its runs.
    final class CountingService: Service {
        let runs = Atomic<Int>(0)
        func run() async throws { runs.add(1, ordering: .relaxed) }
    }

    @Test func aServiceRunsOnlyOnceTheGateOpens() async throws {
        let gate = MigrationGate()
        let service = CountingService()
        let waiting = Task { try await AfterMigrations(gate: gate, service: service).run() }
        try await Task.sleep(for: .milliseconds(100))
        #expect(service.runs.load(ordering: .relaxed) == 0)
        gate.open()
        try await waiting.value
        #expect(service.runs.load(ordering: .relaxed) == 1)
        // Open stays open.
        #expect(await gate.passed())
    }

    @Test func cancellingAWaiterEndsItWithoutRunning() async throws {
        let gate = MigrationGate()
        let service = CountingService()
        let waiting = Task { try await AfterMigrations(gate: gate, service: service).run() }
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
}
