@testable import Ingest
import NIOCore
import Testing

/// A trickling upload is cut off once its grace period is over; a brisk one is not.
@Suite struct MinimumRateBodyTests {
    /// `count` chunks of `size` bytes, `pause` apart.
    static func body(count: Int, size: Int, pause: Duration) -> AsyncStream<ByteBuffer> {
        AsyncStream { continuation in
            Task {
                for _ in 0..<count {
                    try? await Task.sleep(for: pause)
                    continuation.yield(ByteBuffer(repeating: 1, count: size))
                }
                continuation.finish()
            }
        }
    }

    static func policy(minimum: Int64, grace: Double) -> UploadPolicy {
        var policy = UploadPolicy()
        policy.minimumBytesPerSecond = minimum
        policy.rateGracePeriod = grace
        return policy
    }

    @Test func aTricklingBodyFailsAfterItsGracePeriod() async throws {
        let trickle = MinimumRateBody(Self.body(count: 20, size: 10, pause: .milliseconds(20)), policy: Self.policy(minimum: 1 << 20, grace: 0.1))
        await #expect(throws: UploadError.tooSlow) {
            for try await _ in trickle {}
        }
    }

    @Test func aBriskBodyPasses() async throws {
        let brisk = MinimumRateBody(Self.body(count: 5, size: 1 << 20, pause: .milliseconds(1)), policy: Self.policy(minimum: 1 << 10, grace: 0))
        var received = 0
        for try await chunk in brisk { received += chunk.readableBytes }
        #expect(received == 5 << 20)
    }
}
