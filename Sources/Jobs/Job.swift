public import Foundation

/// A unit of background work, as the jobs table holds it.
public struct Job: Sendable, Equatable {
    public enum State: String, Sendable, CaseIterable {
        case queued, running, done, dead
    }

    public let id: Int64
    public let tenantID: UUID
    public let fileID: UUID
    public let kind: String
    public let state: State
    /// Claims so far, this one included.
    public let attempts: Int
    public let runAfter: Date
    public let leaseExpiresAt: Date?
    public let claimedBy: String?
    public let lastError: String?
}

/// How a queue retries: exponential back-off from ``baseDelay``, capped, and a job that
/// failed ``maximumAttempts`` times is dead-lettered with its last error.
public struct RetryPolicy: Sendable {
    public var maximumAttempts = 5
    public var baseDelay: TimeInterval = 2
    public var maximumDelay: TimeInterval = 300

    public init() {}

    /// The wait before the next try after failed attempt number `attempt` (1-based).
    public func delay(afterAttempt attempt: Int) -> TimeInterval {
        min(maximumDelay, baseDelay * pow(2, Double(max(0, attempt - 1))))
    }
}
