import Preview
import Testing

/// poppler on the sample PDFs: exact page counts, a rendered first page, refusals.
@Suite struct PDFTests {
    @Test func countsPagesAndRendersTheFirst() throws {
        let sample = Sample.named("document.pdf")
        #expect(try PDF.pageCount(of: try sample.bytes) == sample.pages)
        // A US Letter page (612 x 792 pt) at 1024 px wide.
        let page = try PDF.firstPage(of: try sample.bytes, width: 1024, maximumHeight: 4096)
        #expect(page.width == 1024)
        #expect(page.height == 1325)
        #expect(Array(page.png.prefix(8)) == [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A])
        // A very tall page is bounded by the height.
        let bounded = try PDF.firstPage(of: try sample.bytes, width: 1024, maximumHeight: 500)
        #expect(bounded.height == 500)
    }

    @Test func anEncryptedPDFIsNamedSo() throws {
        #expect(throws: PDFError.encrypted) { try PDF.pageCount(of: try Sample.named("bad/encrypted.pdf").bytes) }
    }

    @Test(arguments: ["bad/script-named.pdf", "bad/html-named.jpg", "photo.png"])
    func otherBytesAreUnreadable(_ path: String) throws {
        let bytes = try Sample.named(path).bytes
        var unreadable = false
        do { _ = try PDF.pageCount(of: bytes) } catch .unreadable { unreadable = true } catch {}
        #expect(unreadable)
    }
}
