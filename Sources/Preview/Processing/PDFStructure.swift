/// The outline checks poppler does not make: poppler silently rebuilds a missing or
/// broken cross-reference table by scanning the whole file, which a viewer may do but a
/// system of record should not accept. A PDF must end with `startxref` pointing at a
/// cross-reference table (`xref`) or stream (`N G obj`).
enum PDFStructure {
    /// Nil when the outline holds, else what is wrong.
    static func problem(in bytes: [UInt8]) -> String? {
        guard bytes.prefix(1024).firstRange(of: Array("%PDF-".utf8)) != nil else { return "there is no %PDF- header" }
        let tailStart = max(0, bytes.count - 1024)
        let tail = bytes[tailStart...]
        guard let marker = tail.ranges(of: Array("startxref".utf8)).last else { return "there is no startxref at the end" }
        var index = skipWhitespace(bytes, from: marker.upperBound)
        var offset = 0
        let digitsStart = index
        while index < bytes.count, let digit = digitValue(bytes[index]), index - digitsStart < 15 {
            offset = offset * 10 + digit
            index += 1
        }
        guard index > digitsStart, offset < bytes.count else { return "startxref does not name an offset in the file" }
        let target = skipWhitespace(bytes, from: offset)
        if bytes[target...].starts(with: Array("xref".utf8)) || startsObject(bytes, at: target) { return nil }
        return "startxref points at no cross-reference table (byte \(offset))"
    }

    /// Whether `N G obj` starts at `index`.
    private static func startsObject(_ bytes: [UInt8], at index: Int) -> Bool {
        var cursor = index
        for _ in 0..<2 {
            let start = cursor
            while cursor < bytes.count, digitValue(bytes[cursor]) != nil { cursor += 1 }
            guard cursor > start, cursor < bytes.count, bytes[cursor] == 0x20 else { return false }
            cursor += 1
        }
        return bytes[cursor...].starts(with: Array("obj".utf8))
    }

    private static func skipWhitespace(_ bytes: [UInt8], from index: Int) -> Int {
        var cursor = index
        while cursor < bytes.count, [0x20, 0x0A, 0x0D, 0x09, 0x0C, 0x00].contains(bytes[cursor]) { cursor += 1 }
        return cursor
    }

    private static func digitValue(_ byte: UInt8) -> Int? {
        (0x30...0x39).contains(byte) ? Int(byte - 0x30) : nil
    }
}
