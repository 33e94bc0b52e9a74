import Preview
import Testing

/// The OOXML validator on the samples and on zips built here, one defect at a time.
@Suite struct OfficePackageTests {
    typealias Code = OfficePackageError.Code

    /// The refusal code, or nil when the package validates.
    static func code(
        _ bytes: [UInt8], _ kind: OfficePackage.Kind = .wordprocessing, limits: OfficePackageLimits = .init()
    ) -> Code? {
        do {
            _ = try OfficePackage.validate(bytes, expecting: kind, limits: limits)
            return nil
        } catch {
            return error.code
        }
    }

    @Test func theSamplesValidateAsTheirKind() throws {
        let document = try OfficePackage.validate(try Sample.named("document.docx").bytes, expecting: .wordprocessing)
        #expect(document.entries == 3)
        #expect(document.uncompressedBytes == 1050)
        #expect(document.mainPart == "word/document.xml")
        let sheet = try OfficePackage.validate(try Sample.named("sheet.xlsx").bytes, expecting: .spreadsheet)
        #expect(sheet.entries == 5)
        #expect(sheet.uncompressedBytes == 2004)
        #expect(sheet.mainPart == "xl/workbook.xml")
    }

    @Test func theWrongKindIsRefused() throws {
        #expect(Self.code(try Sample.named("document.docx").bytes, .spreadsheet) == .wrongKind)
        #expect(Self.code(try Sample.named("sheet.xlsx").bytes, .wordprocessing) == .wrongKind)
        let presentation = TestZip.document(mainType: "application/vnd.openxmlformats-officedocument.presentationml.presentation.main+xml")
        #expect(Self.code(presentation.bytes) == .wrongKind)
    }

    @Test func handMadePackagesValidate() throws {
        #expect(Self.code(TestZip.document().bytes) == nil)
        var stored = TestZip.document()
        for index in stored.entries.indices { stored.entries[index].deflate = false }
        #expect(Self.code(stored.bytes) == nil)
        var utf16 = TestZip.document()
        utf16.entries[0].data =
            [0xFF, 0xFE]
            + String(decoding: utf16.entries[0].data, as: UTF8.self).utf16.flatMap {
                [UInt8(truncatingIfNeeded: $0), UInt8(truncatingIfNeeded: $0 >> 8)]
            }
        #expect(Self.code(utf16.bytes) == nil)
    }

    @Test func theSampleZipBombIsRefusedFromItsHeaders() throws {
        let bomb = try Sample.named("bad/zipbomb.docx").bytes
        #expect(Self.code(bomb) == .zipBomb)  // Declared ratio about 1029.
        var limits = OfficePackageLimits()
        limits.maximumRatio = 10_000
        limits.maximumUncompressedBytes = 100 << 20
        #expect(Self.code(bomb, limits: limits) == .zipBomb)  // Declared 200 MiB.
        limits.maximumUncompressedBytes = 512 << 20
        // Within relaxed limits it is a valid package: the refusals above came from the limits.
        let summary = try OfficePackage.validate(bomb, expecting: .wordprocessing, limits: limits)
        #expect(summary.uncompressedBytes == 209_715_928)
    }

    @Test func theSampleZipBombWithALyingSizeStopsWhileInflating() throws {
        var bomb = try Sample.named("bad/zipbomb.docx").bytes
        let name = Array("word/document.xml".utf8)
        let found = TestZip.offsets(of: name, in: bomb)
        #expect(found.count == 2)  // The local header's name, then the central directory's.
        for offset in found {
            let central = bomb[offset - 46..<offset - 42].elementsEqual([0x50, 0x4B, 0x01, 0x02])
            TestZip.patch(&bomb, at: offset - (central ? 46 - 24 : 30 - 22), 1_000)
        }
        #expect(Self.code(bomb) == .zipBomb)
    }

    @Test func anEntryLargerOrSmallerThanDeclaredIsRefused() {
        var larger = TestZip.document()
        larger.entries[2].declaredSize = 10
        #expect(Self.code(larger.bytes) == .zipBomb)
        var smaller = TestZip.document()
        smaller.entries[2].declaredSize = UInt32(smaller.entries[2].data.count + 1)
        #expect(Self.code(smaller.bytes) == .corrupt)
        var stored = TestZip.document()
        stored.entries[2].deflate = false
        stored.entries[2].declaredSize = 10
        #expect(Self.code(stored.bytes) == .corrupt)
    }

    @Test func declaredSizesOverTheLimitsAreRefusedBeforeInflating() throws {
        var ratio = TestZip.document()
        ratio.entries[2].declaredSize = 2 << 20  // 2 MiB from about 330 bytes.
        #expect(Self.code(ratio.bytes) == .zipBomb)
        var limits = OfficePackageLimits()
        limits.maximumUncompressedBytes = 1_000
        #expect(Self.code(try Sample.named("document.docx").bytes, limits: limits) == .zipBomb)
        limits = OfficePackageLimits()
        limits.maximumEntries = 2
        #expect(Self.code(try Sample.named("document.docx").bytes, limits: limits) == .zipBomb)
        limits.maximumEntries = 3
        #expect(Self.code(try Sample.named("document.docx").bytes, limits: limits) == nil)
    }

    @Test func overlappingEntriesAreRefused() {
        var overlap = TestZip.document()
        overlap.entries[0].extraCompressed = 10  // Its data now runs into the next local header.
        #expect(Self.code(overlap.bytes) == .zipBomb)
    }

    @Test func aBadChecksumIsCorrupt() {
        var zip = TestZip.document()
        zip.entries[1].crc = TestZip.crc32(zip.entries[1].data) ^ 1
        #expect(Self.code(zip.bytes) == .corrupt)
    }

    @Test func bytesThatAreNoZipAreRefused() {
        var state: UInt64 = 0x9E37_79B9_7F4A_7C15
        let random = (0..<4096).map { _ -> UInt8 in
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return UInt8(truncatingIfNeeded: state >> 33)
        }
        #expect(Self.code(random) == .notAZip)
        #expect(Self.code([]) == .notAZip)
        #expect(Self.code(Array("PK".utf8)) == .notAZip)
    }

    @Test func everyPrefixOfADocumentIsRefused() throws {
        let bytes = try Sample.named("document.docx").bytes
        #expect(Self.code(Array(bytes.prefix(bytes.count / 2))) == .corrupt)
        for length in 0..<bytes.count {
            #expect(Self.code(Array(bytes.prefix(length))) != nil, "prefix of \(length) bytes")
        }
    }

    @Test func flippingAnyByteNeverTraps() throws {
        let bytes = try Sample.named("document.docx").bytes
        var accepted = 0
        for index in bytes.indices {
            for mask: UInt8 in [0x01, 0x80, 0xFF] {
                var damaged = bytes
                damaged[index] ^= mask
                if Self.code(damaged) == nil { accepted += 1 }
            }
        }
        // Only bytes no check reads (times, attributes, versions) may change unnoticed.
        #expect(accepted < bytes.count / 2)
    }

    @Test func aZipWithoutContentTypesIsRefused() {
        var zip = TestZip.document()
        zip.entries.removeFirst()
        #expect(Self.code(zip.bytes) == .missingContentTypes)
    }

    @Test func aMissingMainPartIsCorrupt() {
        var zip = TestZip.document()
        zip.entries.removeLast()
        #expect(Self.code(zip.bytes) == .corrupt)
    }

    @Test(arguments: ["../x", "word/../../x", "/etc/passwd", "\\x", "C:\\x", "a\\..\\b", "word/document.xml"])
    func unsafeOrDuplicateNamesAreCorrupt(_ name: String) {
        var zip = TestZip.document()
        zip.entries.append(.init(name: name, data: Array("x".utf8)))
        #expect(Self.code(zip.bytes) == .corrupt)
    }

    @Test func encryptedEntriesAreRefused() {
        var zip = TestZip.document()
        zip.entries[2].flags = 0x0001
        #expect(Self.code(zip.bytes) == .encrypted)
    }

    @Test func otherMethodsAndZip64AreUnsupported() {
        var bzip2 = TestZip.document()
        bzip2.entries[2].method = 12
        #expect(Self.code(bzip2.bytes) == .unsupported)
        var zip64 = TestZip.document().bytes
        TestZip.patch(&zip64, at: zip64.count - 22 + 16, 0xFFFF_FFFF)
        #expect(Self.code(zip64) == .unsupported)
    }

    @Test func codesAreStableSnakeCase() {
        #expect(
            Code.allCases.map(\.rawValue) == [
                "not_a_zip", "corrupt", "missing_content_types", "wrong_kind", "zip_bomb", "encrypted", "unsupported",
            ])
    }
}

/// A small zip writer for hand-made packages, with knobs for one defect at a time.
/// "Deflate" entries are deflate streams of stored blocks, so no compressor is needed.
struct TestZip {
    struct Entry {
        var name: String
        var data: [UInt8]
        var deflate = true
        var flags: UInt16 = 0
        var method: UInt16?
        var declaredSize: UInt32?
        var crc: UInt32?
        /// Added to the compressed size written in both headers.
        var extraCompressed: UInt32 = 0
    }

    var entries: [Entry]

    static let documentMain = "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"

    /// A minimal three-part .docx whose main part has `mainType`.
    static func document(mainType: String = documentMain) -> TestZip {
        let types = """
            <?xml version="1.0" encoding="UTF-8"?>
            <Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">\
            <Default Extension="xml" ContentType="application/xml"/>\
            <Override ContentType="\(mainType)"
              PartName = '/word/document.xml'/></Types>
            """
        let rels = """
            <Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">\
            <Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" \
            Target="word/document.xml"/></Relationships>
            """
        let document = """
            <w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">\
            <w:body><w:p><w:r><w:t>Hand-made.</w:t></w:r></w:p></w:body></w:document>
            """
        return TestZip(entries: [
            Entry(name: "[Content_Types].xml", data: Array(types.utf8)),
            Entry(name: "_rels/.rels", data: Array(rels.utf8)),
            Entry(name: "word/document.xml", data: Array(document.utf8)),
        ])
    }

    var bytes: [UInt8] {
        var out: [UInt8] = []
        var central: [UInt8] = []
        for entry in entries {
            let payload = entry.deflate ? Self.storedBlocks(entry.data) : entry.data
            let offset = UInt32(out.count)
            var fields: [UInt8] = []
            Self.append16(&fields, entry.flags)
            Self.append16(&fields, entry.method ?? (entry.deflate ? 8 : 0))
            Self.append32(&fields, 0)  // Time and date.
            Self.append32(&fields, entry.crc ?? Self.crc32(entry.data))
            Self.append32(&fields, UInt32(payload.count) + entry.extraCompressed)
            Self.append32(&fields, entry.declaredSize ?? UInt32(entry.data.count))
            Self.append16(&fields, UInt16(entry.name.utf8.count))
            Self.append16(&fields, 0)  // Extra field length.
            Self.append32(&out, 0x0403_4B50)
            Self.append16(&out, 20)
            out += fields + Array(entry.name.utf8) + payload
            Self.append32(&central, 0x0201_4B50)
            Self.append16(&central, 0x031E)
            Self.append16(&central, 20)
            central += fields
            central += [UInt8](repeating: 0, count: 10)  // Comment length, disk, attributes.
            Self.append32(&central, offset)
            central += Array(entry.name.utf8)
        }
        let centralOffset = UInt32(out.count)
        out += central
        Self.append32(&out, 0x0605_4B50)
        Self.append32(&out, 0)  // Disk numbers.
        Self.append16(&out, UInt16(entries.count))
        Self.append16(&out, UInt16(entries.count))
        Self.append32(&out, UInt32(central.count))
        Self.append32(&out, centralOffset)
        Self.append16(&out, 0)  // Comment length.
        return out
    }

    /// `data` as a raw deflate stream of stored blocks (BTYPE 00).
    static func storedBlocks(_ data: [UInt8]) -> [UInt8] {
        var out: [UInt8] = []
        var start = 0
        repeat {
            let end = min(data.count, start + 65_535)
            out.append(end == data.count ? 1 : 0)
            append16(&out, UInt16(end - start))
            append16(&out, ~UInt16(end - start))
            out += data[start..<end]
            start = end
        } while start < data.count
        return out
    }

    static func crc32(_ data: [UInt8]) -> UInt32 {
        var crc: UInt32 = 0xFFFF_FFFF
        for byte in data {
            crc ^= UInt32(byte)
            for _ in 0..<8 { crc = crc & 1 == 1 ? (crc >> 1) ^ 0xEDB8_8320 : crc >> 1 }
        }
        return ~crc
    }

    static func append16(_ out: inout [UInt8], _ value: UInt16) {
        out += [UInt8(truncatingIfNeeded: value), UInt8(truncatingIfNeeded: value >> 8)]
    }

    static func append32(_ out: inout [UInt8], _ value: UInt32) {
        append16(&out, UInt16(truncatingIfNeeded: value))
        append16(&out, UInt16(truncatingIfNeeded: value >> 16))
    }

    /// Overwrites four bytes at `at` with `value`, little-endian.
    static func patch(_ bytes: inout [UInt8], at: Int, _ value: UInt32) {
        var field: [UInt8] = []
        append32(&field, value)
        bytes.replaceSubrange(at..<at + 4, with: field)
    }

    static func offsets(of needle: [UInt8], in bytes: [UInt8]) -> [Int] {
        guard bytes.count >= needle.count else { return [] }
        return (0...(bytes.count - needle.count)).filter { bytes[$0..<$0 + needle.count].elementsEqual(needle) }
    }
}
