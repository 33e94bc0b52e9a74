/// RFC 3986 percent-encoding, the one spelling Grey writes into URLs, file names and
/// SigV4 requests, and reads back from signed URLs: every byte but the unreserved
/// `A-Z a-z 0-9 - . _ ~` becomes `%XX` in upper-case hex. Byte by byte: Foundation's
/// `CharacterSet` path was a tenth of a signed read's CPU.
public enum PercentEncoding {
    /// `text` with every byte but the unreserved ones (and `/` when `keepingSlashes`)
    /// percent-encoded; returned as it is when it needs nothing.
    public static func encode(_ text: some StringProtocol, keepingSlashes: Bool = false) -> String {
        let utf8 = text.utf8
        guard !utf8.allSatisfy({ keeps($0, slashes: keepingSlashes) }) else { return String(text) }
        var bytes: [UInt8] = []
        bytes.reserveCapacity(utf8.count * 3)
        for byte in utf8 {
            if keeps(byte, slashes: keepingSlashes) {
                bytes.append(byte)
            } else {
                bytes.append(contentsOf: [UInt8(ascii: "%"), upperHex[Int(byte >> 4)], upperHex[Int(byte & 0x0F)]])
            }
        }
        return String(decoding: bytes, as: UTF8.self)
    }

    /// `text` with each `%XX` (either case) replaced by its byte, `+` left as it is; nil
    /// when a `%` is not followed by two hex digits or the bytes are not UTF-8.
    @inlinable
    public static func decode(_ text: some StringProtocol) -> String? {
        let utf8 = text.utf8
        guard utf8.contains(UInt8(ascii: "%")) else { return String(text) }
        var bytes: [UInt8] = []
        bytes.reserveCapacity(utf8.count)
        var iterator = utf8.makeIterator()
        while let byte = iterator.next() {
            guard byte == UInt8(ascii: "%") else {
                bytes.append(byte)
                continue
            }
            guard let high = iterator.next().flatMap(hexValue), let low = iterator.next().flatMap(hexValue) else { return nil }
            bytes.append(high << 4 | low)
        }
        return String(validating: bytes, as: UTF8.self)
    }

    private static let upperHex: [UInt8] = Array("0123456789ABCDEF".utf8)

    private static func keeps(_ byte: UInt8, slashes: Bool) -> Bool {
        switch byte {
        case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "0")...UInt8(ascii: "9"),
            UInt8(ascii: "-"), UInt8(ascii: "."), UInt8(ascii: "_"), UInt8(ascii: "~"):
            true
        case UInt8(ascii: "/"): slashes
        default: false
        }
    }

    @usableFromInline
    static func hexValue(_ byte: UInt8) -> UInt8? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): byte - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): byte - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): byte - UInt8(ascii: "A") + 10
        default: nil
        }
    }
}
