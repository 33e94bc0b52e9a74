public import Foundation

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
        var bytes = [UInt8](repeating: 0, count: 16)
        var generator = SystemRandomNumberGenerator()
        // Two draws (two system calls) give the 80 random bits.
        let high: UInt64 = generator.next()
        let low: UInt64 = generator.next()
        for index in 6..<8 { bytes[index] = UInt8(truncatingIfNeeded: high >> (8 * (index - 6))) }
        for index in 8..<16 { bytes[index] = UInt8(truncatingIfNeeded: low >> (8 * (index - 8))) }
        for index in 0..<6 { bytes[index] = UInt8(truncatingIfNeeded: milliseconds >> (8 * (5 - index))) }
        bytes[6] = (bytes[6] & 0x0F) | 0x70
        bytes[8] = (bytes[8] & 0x3F) | 0x80
        return UUID(uuid: (
            bytes[0], bytes[1], bytes[2], bytes[3], bytes[4], bytes[5], bytes[6], bytes[7],
            bytes[8], bytes[9], bytes[10], bytes[11], bytes[12], bytes[13], bytes[14], bytes[15]
        ))
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
