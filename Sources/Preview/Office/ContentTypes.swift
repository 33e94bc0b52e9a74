/// The text of `[Content_Types].xml`, searched as text (no XML parser needed).
struct ContentTypes {
    let text: String

    /// Decodes UTF-16 (by its byte order mark) or else UTF-8, as OPC allows.
    init(_ bytes: [UInt8]) {
        let bigEndian = bytes.starts(with: [0xFE, 0xFF])
        if bigEndian || bytes.starts(with: [0xFF, 0xFE]) {
            let units: [UInt16] = stride(from: 2, to: bytes.count - 1, by: 2).map { (index: Int) -> UInt16 in
                let first = UInt16(bytes[index]), second = UInt16(bytes[index + 1])
                return bigEndian ? first << 8 | second : second << 8 | first
            }
            text = String(decoding: units, as: UTF16.self)
        } else {
            text = String(decoding: bytes, as: UTF8.self)
        }
    }

    /// The entry name of the `kind` main part: the `PartName` of the `Override` carrying its
    /// content type, which must be an entry of the package.
    func mainPart(for kind: OfficePackage.Kind, among entries: [ZipEntry]) throws(OfficePackageError) -> String {
        guard let match = text.firstRange(of: kind.mainContentType) else {
            let other = OfficePackage.Kind.allCases.first { $0 != kind && text.contains($0.mainContentType) }
            throw .init(.wrongKind, other.map { "the package is \($0), not \(kind)" } ?? "the package has no \(kind) main part")
        }
        guard let open = text[..<match.lowerBound].lastIndex(of: "<"),
            let close = text[match.upperBound...].firstIndex(of: ">"),
            case let element = text[open..<close], element.hasPrefix("<Override"),
            let part = Self.attribute("PartName", in: element)
        else { throw .init(.corrupt, "[Content_Types].xml names the \(kind) main type without a PartName") }
        let name = part.hasPrefix("/") ? String(part.dropFirst()) : String(part)
        guard entries.contains(where: { $0.name.lowercased() == name.lowercased() }) else {
            throw .init(.corrupt, "the main part \(name) is not in the package")
        }
        return name
    }

    /// The value of `name="..."` (or single-quoted) in an element's text.
    private static func attribute(_ name: String, in element: Substring) -> Substring? {
        var rest = element[...]
        while let found = rest.firstRange(of: name) {
            rest = rest[found.upperBound...].drop(while: \.isWhitespace)
            guard rest.first == "=" else { continue }
            rest = rest.dropFirst().drop(while: \.isWhitespace)
            guard let quote = rest.first, quote == "\"" || quote == "'" else { return nil }
            rest = rest.dropFirst()
            return rest.firstIndex(of: quote).map { rest[..<$0] }
        }
        return nil
    }
}
