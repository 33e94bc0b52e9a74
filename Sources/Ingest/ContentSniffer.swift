public import NIOCore
import NIOPosix
import Synchronization

/// Names the type of uploaded bytes with libmagic, off the event loops, with a few
/// cookies lent out one caller at a time.
public final class ContentSniffer: Sendable {
    // `MagicCookie` is not Sendable; the mutex hands each cookie to one caller at a time.
    private let idle: Mutex<[UnsafeCookie]>

    public init() {
        idle = Mutex([])
    }

    /// The MIME type of `bytes` (the first bytes of a file are enough: libmagic reads up
    /// to 1 MiB).
    public func mimeType(of bytes: ByteBuffer) async throws -> String {
        let cookie = try idle.withLock { $0.popLast() } ?? UnsafeCookie(try MagicCookie())
        let type = try await NIOThreadPool.singleton.runIfActive {
            try bytes.withUnsafeReadableBytes { try cookie.value.mimeType(of: $0) }
        }
        idle.withLock { $0.append(cookie) }
        return type
    }
}

/// A cookie in transit between the pool and the one thread using it.
private struct UnsafeCookie: @unchecked Sendable {
    // Safe: a cookie is either in the pool or used by exactly one caller, never both.
    let value: MagicCookie
    init(_ value: MagicCookie) { self.value = value }
}
