import Foundation
public import NIOCore

/// A request body that fails with ``UploadError/tooSlow`` once, after a grace period, its
/// average rate falls below the policy's minimum: a trickling client cannot hold a
/// connection and a staging file open for hours. (A client that stops sending altogether
/// is cut off by the server's idle timeout.)
struct MinimumRateBody<Base: AsyncSequence & Sendable>: AsyncSequence, Sendable where Base.Element == ByteBuffer {
    typealias Element = ByteBuffer
    let base: Base
    let minimumBytesPerSecond: Int64
    let grace: TimeInterval

    init(_ base: Base, policy: UploadPolicy) {
        self.base = base
        self.minimumBytesPerSecond = policy.minimumBytesPerSecond
        self.grace = policy.rateGracePeriod
    }

    struct AsyncIterator: AsyncIteratorProtocol {
        var base: Base.AsyncIterator
        let minimumBytesPerSecond: Int64
        let grace: TimeInterval
        let started = ContinuousClock.now
        var received: Int64 = 0

        mutating func next() async throws -> ByteBuffer? {
            guard let chunk = try await base.next() else { return nil }
            received += Int64(chunk.readableBytes)
            let elapsed = ContinuousClock.now - started
            let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
            if seconds > grace, Double(received) / seconds < Double(minimumBytesPerSecond) { throw UploadError.tooSlow }
            return chunk
        }
    }

    func makeAsyncIterator() -> AsyncIterator {
        AsyncIterator(base: base.makeAsyncIterator(), minimumBytesPerSecond: minimumBytesPerSecond, grace: grace)
    }
}
