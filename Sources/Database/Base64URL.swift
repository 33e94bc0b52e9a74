/// Unpadded base64url (RFC 4648 §5), strict: decoding accepts only the one canonical
/// spelling of each byte string (no padding, no whitespace, zero spare bits), so two
/// different texts never stand for the same bytes.
public enum Base64URL {
    private static let alphabet: [UInt8] = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_".utf8)

    /// Each ASCII byte's 6-bit value, or 0xFF when it is not in the alphabet.
    private static let values: [UInt8] = {
        var table = [UInt8](repeating: 0xFF, count: 256)
        for (value, character) in alphabet.enumerated() { table[Int(character)] = UInt8(value) }
        return table
    }()

    public static func encode(_ bytes: some Collection<UInt8>) -> String {
        let input = Array(bytes)
        let length = (input.count * 4 + 2) / 3
        return String(unsafeUninitializedCapacity: length) { output in
            var written = 0
            var index = 0
            while index < input.count {
                let remaining = input.count - index
                let chunk = UInt32(input[index]) << 16
                    | (remaining > 1 ? UInt32(input[index + 1]) << 8 : 0)
                    | (remaining > 2 ? UInt32(input[index + 2]) : 0)
                let characters = min(4, remaining + 1)
                for position in 0..<characters {
                    output[written] = alphabet[Int((chunk >> (18 - 6 * UInt32(position))) & 0x3F)]
                    written += 1
                }
                index += 3
            }
            return written
        }
    }

    /// The bytes `text` spells, or nil when it is not canonical unpadded base64url.
    public static func decode(_ text: some StringProtocol) -> [UInt8]? {
        let input = Array(text.utf8)
        guard input.count % 4 != 1 else { return nil }
        var output: [UInt8] = []
        output.reserveCapacity(input.count * 3 / 4)
        var index = 0
        while index < input.count {
            let characters = min(4, input.count - index)
            var chunk: UInt32 = 0
            for position in 0..<4 {
                var value: UInt8 = 0
                if position < characters {
                    value = values[Int(input[index + position])]
                    guard value != 0xFF else { return nil }
                }
                chunk = chunk << 6 | UInt32(value)
            }
            let bytes = characters - 1
            // The bits past the last whole byte must be zero in the canonical spelling.
            let spareBits = 24 - 8 * bytes
            guard chunk & ((1 << spareBits) - 1) == 0 else { return nil }
            for position in 0..<bytes { output.append(UInt8(truncatingIfNeeded: chunk >> (16 - 8 * UInt32(position)))) }
            index += 4
        }
        return output
    }
}
