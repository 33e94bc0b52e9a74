/// Lowercase hexadecimal, the one spelling Grey writes and accepts for ids and digests.
public enum Hex {
    private static let digits: [UInt8] = Array("0123456789abcdef".utf8)

    /// `bytes` as two lowercase hex digits each.
    public static func encode(_ bytes: some Collection<UInt8>) -> String {
        String(unsafeUninitializedCapacity: 2 * bytes.count) { buffer in
            var index = 0
            for byte in bytes {
                buffer[index] = digits[Int(byte >> 4)]
                buffer[index + 1] = digits[Int(byte & 0x0F)]
                index += 2
            }
            return index
        }
    }

    /// Exactly `byteCount` bytes written as lowercase hex digits, or nil.
    public static func decode(_ text: some StringProtocol, byteCount: Int) -> [UInt8]? {
        let utf8 = Array(text.utf8)
        guard utf8.count == 2 * byteCount else { return nil }
        var bytes = [UInt8](repeating: 0, count: byteCount)
        for index in 0..<byteCount {
            guard let high = nibble(utf8[2 * index]), let low = nibble(utf8[2 * index + 1]) else { return nil }
            bytes[index] = high << 4 | low
        }
        return bytes
    }

    private static func nibble(_ character: UInt8) -> UInt8? {
        switch character {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): character - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): character - UInt8(ascii: "a") + 10
        default: nil
        }
    }
}

/// Compares two byte strings in time that depends only on their lengths (secrets,
/// digests and signatures).
public func constantTimeEquals(_ lhs: [UInt8], _ rhs: [UInt8]) -> Bool {
    guard lhs.count == rhs.count else { return false }
    var difference: UInt8 = 0
    for index in lhs.indices { difference |= lhs[index] ^ rhs[index] }
    return difference == 0
}
