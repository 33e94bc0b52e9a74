import Synchronization
public import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Makes and reads the opaque, prefixed identifiers Grey shows to clients
/// (`usr_0190f1c3...`): a type prefix and a UUIDv7 in lowercase hex.
///
/// UUIDv7 starts with a millisecond timestamp, so new rows land at the right-hand edge
/// of their indexes instead of scattering pages.
public struct Identifier: Sendable {
    public let prefix: String

    public init(prefix: String) {
        self.prefix = prefix
    }

    /// A new time-ordered UUID (RFC 9562, version 7).
    public static func makeUUID(now: Date = Date()) -> UUID {
        let milliseconds = UInt64(max(0, now.timeIntervalSince1970 * 1000))
        var uuid = randomBytes()
        withUnsafeMutableBytes(of: &uuid) { raw in
            for index in 0..<6 { raw[index] = UInt8(truncatingIfNeeded: milliseconds >> (8 * (5 - index))) }
            raw[6] = (raw[6] & 0x0F) | 0x70
            raw[8] = (raw[8] & 0x3F) | 0x80
        }
        return UUID(uuid: uuid)
    }

    /// A random (version 4) UUID. Foundation's `UUID()` opens and reads `/dev/urandom` on
    /// every call on Linux (three system calls); this is one.
    public static func makeRandomUUID() -> UUID {
        var uuid = randomBytes()
        withUnsafeMutableBytes(of: &uuid) { raw in
            raw[6] = (raw[6] & 0x0F) | 0x40
            raw[8] = (raw[8] & 0x3F) | 0x80
        }
        return UUID(uuid: uuid)
    }

    /// 16 bytes from the kernel's generator, taken from ``RandomPool``: one `getrandom(2)`
    /// per 256 identifiers instead of one each (a request id is made per request).
    private static func randomBytes() -> uuid_t {
        var uuid: uuid_t = (0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0)
        withUnsafeMutableBytes(of: &uuid) { raw in RandomPool.shared.fill(raw) }
        return uuid
    }

    /// The client-facing form of `uuid`.
    public func format(_ uuid: UUID) -> String {
        prefix + "_" + Self.hex(uuid)
    }

    /// The UUID inside `string`, or nil when it is not an identifier of this kind.
    public func parse(_ string: some StringProtocol) -> UUID? {
        guard string.hasPrefix(prefix + "_") else { return nil }
        return Self.uuid(hex: string.dropFirst(prefix.count + 1))
    }

    /// `uuid` as 32 lowercase hex digits.
    public static func hex(_ uuid: UUID) -> String {
        withUnsafeBytes(of: uuid.uuid) { Hex.encode($0) }
    }

    /// Reads exactly 32 lowercase hex digits.
    public static func uuid(hex: some StringProtocol) -> UUID? {
        guard let bytes = Hex.decode(hex, byteCount: 16) else { return nil }
        return UUID(uuid: (
            bytes[0], bytes[1], bytes[2], bytes[3], bytes[4], bytes[5], bytes[6], bytes[7],
            bytes[8], bytes[9], bytes[10], bytes[11], bytes[12], bytes[13], bytes[14], bytes[15]
        ))
    }
}

/// Bytes from the kernel's generator, fetched 4 KiB at a time and handed out once each.
/// They are as unpredictable as the kernel's own; only the system calls are fewer.
private final class RandomPool: Sendable {
    static let shared = RandomPool()
    private static let size = 4096

    private let state = Mutex<(bytes: [UInt8], next: Int)>(([UInt8](repeating: 0, count: RandomPool.size), RandomPool.size))

    func fill(_ destination: UnsafeMutableRawBufferPointer) {
        state.withLock { state in
            if state.next + destination.count > Self.size {
                state.bytes.withUnsafeMutableBytes { Self.refill($0) }
                state.next = 0
            }
            state.bytes.withUnsafeBytes { pool in
                destination.copyMemory(from: UnsafeRawBufferPointer(rebasing: pool[state.next..<state.next + destination.count]))
            }
            // Never handed out twice.
            state.bytes.withUnsafeMutableBytes { pool in
                UnsafeMutableRawBufferPointer(rebasing: pool[state.next..<state.next + destination.count]).initializeMemory(as: UInt8.self, repeating: 0)
            }
            state.next += destination.count
        }
    }

    /// Fills `buffer` from the kernel (`getentropy`, 256 bytes a call); should that ever
    /// fail (a kernel without getrandom), from the standard library's generator.
    private static func refill(_ buffer: UnsafeMutableRawBufferPointer) {
        var offset = 0
        while offset < buffer.count {
            let count = min(256, buffer.count - offset)
            guard getentropy(buffer.baseAddress! + offset, count) == 0 else {
                var generator = SystemRandomNumberGenerator()
                for index in offset..<buffer.count { buffer[index] = UInt8.random(in: .min ... .max, using: &generator) }
                return
            }
            offset += count
        }
    }
}
