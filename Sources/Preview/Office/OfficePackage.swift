import CZlib

/// Checks uploaded .docx and .xlsx files (OOXML zip packages) for untrusted input.
public enum OfficePackage {
    /// Which main part the package must have.
    public enum Kind: Sendable, CaseIterable {
        case wordprocessing, spreadsheet

        /// The main part's content type in `[Content_Types].xml`.
        var mainContentType: String {
            switch self {
            case .wordprocessing: "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"
            case .spreadsheet: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"
            }
        }
    }

    /// What a valid package holds.
    public struct Summary: Sendable, Equatable {
        public let entries: Int
        /// The sum of the entries' sizes, each one inflated and checked.
        public let uncompressedBytes: Int64
        /// The main part's entry name, such as `word/document.xml`.
        public let mainPart: String
    }

    /// The most `[Content_Types].xml` may inflate to; it is the one entry held in memory.
    static let contentTypesCap: Int64 = 1 << 20

    /// Checks that `bytes` is a well-formed zip of the `kind` package within `limits`.
    ///
    /// The zip structure and the declared sizes are checked first; then every entry is
    /// inflated a chunk at a time (never kept) and its size and CRC-32 compared.
    public static func validate(
        _ bytes: [UInt8], expecting kind: Kind, limits: OfficePackageLimits = .init()
    ) throws(OfficePackageError) -> Summary {
        let entries = try ZipDirectory.entries(of: bytes, maximumEntries: limits.maximumEntries)
        try limits.checkDeclared(entries, packageSize: bytes.count)
        guard let types = entries.firstIndex(where: { $0.name.lowercased() == "[content_types].xml" }) else {
            throw .init(.missingContentTypes, "the package has no [Content_Types].xml")
        }
        guard entries[types].uncompressedSize <= contentTypesCap else {
            throw .init(.unsupported, "[Content_Types].xml is larger than \(contentTypesCap) bytes")
        }
        let inflater = try Inflater.make()
        var total: Int64 = 0
        let result: Result<String, OfficePackageError> = bytes.withUnsafeBytes { raw in
            do throws(OfficePackageError) {
                var xml: [UInt8] = []
                try verify(entries[types], in: raw, with: inflater, total: &total, limits: limits) { xml.append(contentsOf: $0) }
                let mainPart = try ContentTypes(xml).mainPart(for: kind, among: entries)
                for index in entries.indices where index != types {
                    try verify(entries[index], in: raw, with: inflater, total: &total, limits: limits) { _ in }
                }
                return .success(mainPart)
            } catch {
                return .failure(error)
            }
        }
        return Summary(entries: entries.count, uncompressedBytes: total, mainPart: try result.get())
    }

    /// Inflates (or reads, when stored) one entry into `sink` and checks its size and CRC-32.
    private static func verify(
        _ entry: ZipEntry, in raw: UnsafeRawBufferPointer, with inflater: Inflater, total: inout Int64,
        limits: OfficePackageLimits, sink: (UnsafeRawBufferPointer) -> Void
    ) throws(OfficePackageError) {
        guard entry.dataOffset >= 0, entry.dataEnd <= raw.count else { throw .init(.corrupt, "\(entry.name) lies outside the file") }
        let data = UnsafeRawBufferPointer(rebasing: raw[entry.dataOffset..<entry.dataEnd])
        var crc = crc32(0, nil, 0)
        var counted: Int64 = 0
        func chunk(_ bytes: UnsafeRawBufferPointer) throws(OfficePackageError) {
            counted += Int64(bytes.count)
            guard total + counted <= limits.maximumUncompressedBytes else {
                throw .init(.zipBomb, "the package inflates past \(limits.maximumUncompressedBytes) bytes")
            }
            crc = crc32(crc, bytes.baseAddress?.assumingMemoryBound(to: Bytef.self), uInt(bytes.count))
            sink(bytes)
        }
        if entry.method == 0 {
            var offset = 0
            while offset < data.count {
                let end = min(data.count, offset + Inflater.chunkSize)
                try chunk(UnsafeRawBufferPointer(rebasing: data[offset..<end]))
                offset = end
            }
        } else {
            _ = try inflater.inflate(data, limit: entry.uncompressedSize, into: chunk)
        }
        guard counted == entry.uncompressedSize else {
            throw .init(.corrupt, "\(entry.name) inflates to \(counted) bytes but declares \(entry.uncompressedSize)")
        }
        guard crc == uLong(entry.crc) else { throw .init(.corrupt, "\(entry.name) fails its CRC-32 check") }
        total += counted
    }
}
