/// Whether `condition` holds within `timeout`, asked every 50 ms: for effects that reach
/// the process asynchronously (a PostgreSQL notification, say).
func eventually(timeout: Duration = .seconds(5), _ condition: () async throws -> Bool) async throws -> Bool {
    let deadline = ContinuousClock.now + timeout
    while true {
        if try await condition() { return true }
        guard ContinuousClock.now < deadline else { return false }
        try await Task.sleep(for: .milliseconds(50))
    }
}
