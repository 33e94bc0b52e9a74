/// One central directory entry, checked against its local header.
struct ZipEntry {
    let name: String
    let method: UInt16
    let crc: UInt32
    let compressedSize: Int64
    let uncompressedSize: Int64
    let headerOffset: Int
    /// Where the compressed bytes start; they end before the central directory.
    let dataOffset: Int

    var dataEnd: Int { dataOffset + Int(compressedSize) }
}

/// Little-endian reads that give nil past either end of the buffer instead of trapping.
struct ByteReader {
    let bytes: [UInt8]

    func u16(_ at: Int) -> UInt16? {
        guard at >= 0, at <= bytes.count - 2 else { return nil }
        return UInt16(bytes[at]) | UInt16(bytes[at + 1]) << 8
    }

    func u32(_ at: Int) -> UInt32? {
        guard let low = u16(at), let high = u16(at + 2) else { return nil }
        return UInt32(low) | UInt32(high) << 16
    }

    func slice(_ at: Int, _ count: Int) -> ArraySlice<UInt8>? {
        guard at >= 0, count >= 0, at <= bytes.count, count <= bytes.count - at else { return nil }
        return bytes[at..<(at + count)]
    }
}

/// The central directory of a single-disk, non-ZIP64 zip, every field bounds-checked.
enum ZipDirectory {
    static let endSignature: UInt32 = 0x0605_4B50
    static let centralSignature: UInt32 = 0x0201_4B50
    static let localSignature: UInt32 = 0x0403_4B50

    /// The entries in central directory order; throws on anything malformed, encrypted,
    /// ZIP64, multi-disk, overlapping or with more than `maximumEntries` entries.
    static func entries(of bytes: [UInt8], maximumEntries: Int) throws(OfficePackageError) -> [ZipEntry] {
        let reader = ByteReader(bytes: bytes)
        let end = try endRecord(reader)
        guard reader.u32(end - 20) != 0x0706_4B50 else { throw .init(.unsupported, "ZIP64 archives are not accepted") }
        guard let disk = reader.u16(end + 4), let centralDisk = reader.u16(end + 6),
            let hereCount = reader.u16(end + 8), let count = reader.u16(end + 10),
            let size = reader.u32(end + 12), let offset = reader.u32(end + 16)
        else { throw .init(.corrupt, "the end of central directory record is cut short") }
        guard count != 0xFFFF, size != 0xFFFF_FFFF, offset != 0xFFFF_FFFF else {
            throw .init(.unsupported, "ZIP64 archives are not accepted")
        }
        guard disk == 0, centralDisk == 0, hereCount == count else {
            throw .init(.unsupported, "multi-disk archives are not accepted")
        }
        guard Int(count) <= maximumEntries else {
            throw .init(.zipBomb, "\(count) entries, more than the limit of \(maximumEntries)")
        }
        let start = Int(offset), stop = Int(offset) + Int(size)
        guard stop == end else { throw .init(.corrupt, "the central directory does not end where its end record starts") }

        var entries: [ZipEntry] = []
        var names: Set<String> = []
        var position = start
        for _ in 0..<count {
            let (entry, next) = try centralEntry(reader, at: position, before: start)
            guard next <= stop else { throw .init(.corrupt, "a central directory entry runs past the directory") }
            guard names.insert(entry.name.lowercased()).inserted else {
                throw .init(.corrupt, "the entry \(entry.name) appears twice")
            }
            entries.append(entry)
            position = next
        }
        guard position == stop else { throw .init(.corrupt, "the central directory holds more than its entries") }
        let ordered = entries.sorted { $0.headerOffset < $1.headerOffset }
        for (entry, following) in zip(ordered, ordered.dropFirst()) where entry.dataEnd > following.headerOffset {
            throw .init(.zipBomb, "the entries \(entry.name) and \(following.name) overlap")
        }
        return entries
    }

    /// The offset of the end of central directory record: the last one in the final
    /// 64 KiB + 22 bytes whose comment runs exactly to the end of the file.
    private static func endRecord(_ reader: ByteReader) throws(OfficePackageError) -> Int {
        let bytes = reader.bytes
        var candidate = bytes.count - 22
        let lowest = max(0, candidate - 0xFFFF)
        var sawSignature = false
        while candidate >= lowest {
            if reader.u32(candidate) == endSignature {
                sawSignature = true
                if let comment = reader.u16(candidate + 20), candidate + 22 + Int(comment) == bytes.count { return candidate }
            }
            candidate -= 1
        }
        if sawSignature || reader.u32(0) == localSignature {
            throw .init(.corrupt, "the zip is truncated or damaged: no valid end of central directory record")
        }
        if bytes.starts(with: [0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1]) {
            throw .init(.notAZip, "an OLE compound file (a password-protected Office file or a legacy .doc/.xls), not a zip")
        }
        throw .init(.notAZip, "no zip end of central directory record")
    }

    /// The central directory entry at `at` and the offset just past it, checked against
    /// its local header, whose data must end before `limit` (the central directory).
    private static func centralEntry(_ reader: ByteReader, at: Int, before limit: Int) throws(OfficePackageError) -> (ZipEntry, Int) {
        guard reader.u32(at) == centralSignature else { throw .init(.corrupt, "a central directory entry is missing its signature") }
        guard let flags = reader.u16(at + 8), let method = reader.u16(at + 10), let crc = reader.u32(at + 16),
            let compressed = reader.u32(at + 20), let uncompressed = reader.u32(at + 24),
            let nameLength = reader.u16(at + 28), let extraLength = reader.u16(at + 30),
            let commentLength = reader.u16(at + 32), let startDisk = reader.u16(at + 34), let offset = reader.u32(at + 42),
            let nameBytes = reader.slice(at + 46, Int(nameLength))
        else { throw .init(.corrupt, "a central directory entry is cut short") }
        let next = at + 46 + Int(nameLength) + Int(extraLength) + Int(commentLength)
        let name = try checkedName(nameBytes)

        // Bit 0: traditional encryption; bit 6: strong encryption; bit 13: masked headers; 99: AES.
        guard flags & 0x2041 == 0, method != 99 else { throw .init(.encrypted, "the entry \(name) is encrypted") }
        guard compressed != 0xFFFF_FFFF, uncompressed != 0xFFFF_FFFF, offset != 0xFFFF_FFFF, startDisk != 0xFFFF else {
            throw .init(.unsupported, "ZIP64 archives are not accepted")
        }
        guard startDisk == 0 else { throw .init(.unsupported, "multi-disk archives are not accepted") }
        guard method == 0 || method == 8 else { throw .init(.unsupported, "the entry \(name) uses compression method \(method)") }
        guard method == 8 || compressed == uncompressed else {
            throw .init(.corrupt, "the stored entry \(name) has different compressed and uncompressed sizes")
        }

        let local = Int(offset)
        guard reader.u32(local) == localSignature, let localFlags = reader.u16(local + 6),
            let localMethod = reader.u16(local + 8), let localNameLength = reader.u16(local + 26),
            let localExtraLength = reader.u16(local + 28), reader.slice(local + 30, Int(localNameLength)) == nameBytes
        else { throw .init(.corrupt, "the local header of \(name) is missing or disagrees with the central directory") }
        guard localFlags & 0x2041 == 0 else { throw .init(.encrypted, "the entry \(name) is encrypted") }
        guard localMethod == method else { throw .init(.corrupt, "the local header of \(name) names another method") }
        if localFlags & 0x0008 == 0 {  // No data descriptor: the local header carries the real CRC and sizes.
            guard reader.u32(local + 14) == crc, reader.u32(local + 18) == compressed, reader.u32(local + 22) == uncompressed else {
                throw .init(.corrupt, "the local header of \(name) disagrees with the central directory on CRC or sizes")
            }
        }
        let data = local + 30 + Int(localNameLength) + Int(localExtraLength)
        guard data <= limit, Int(compressed) <= limit - data else {
            throw .init(.corrupt, "the data of \(name) runs into the central directory")
        }
        let entry = ZipEntry(
            name: name, method: method, crc: crc, compressedSize: Int64(compressed),
            uncompressedSize: Int64(uncompressed), headerOffset: local, dataOffset: data)
        return (entry, next)
    }

    /// The entry name, refused when empty, holding NUL, absolute or climbing with `..`.
    private static func checkedName(_ bytes: ArraySlice<UInt8>) throws(OfficePackageError) -> String {
        let name = String(decoding: bytes, as: UTF8.self)
        guard !bytes.isEmpty, !bytes.contains(0) else { throw .init(.corrupt, "an entry has an empty or NUL-holding name") }
        let segments = bytes.split(separator: UInt8(ascii: "/"), omittingEmptySubsequences: false)
            .flatMap { $0.split(separator: UInt8(ascii: "\\"), omittingEmptySubsequences: false) }
        let absolute =
            bytes.first == UInt8(ascii: "/") || bytes.first == UInt8(ascii: "\\")
            || bytes.dropFirst().first == UInt8(ascii: ":")
        guard !absolute, !segments.contains(where: { $0.elementsEqual("..".utf8) }) else {
            throw .init(.corrupt, "the entry name \(name) is absolute or climbs out with ..")
        }
        return name
    }
}
