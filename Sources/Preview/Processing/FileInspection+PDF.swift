import Ingest

extension FileInspection {
    /// PDFs: opens (not encrypted), a page count within the limit, the first page rendered.
    func pdf() throws -> ProcessedFile {
        let bytes = try bytes()
        if let problem = PDFStructure.problem(in: bytes) { throw FileRejection.corrupt(problem) }
        let pages: Int
        do {
            pages = try PDF.pageCount(of: bytes)
        } catch .encrypted {
            throw FileRejection("encrypted", "the PDF needs a password")
        } catch {
            throw FileRejection.decodeFailure("the PDF", error.description)
        }
        guard pages >= 1 else { throw FileRejection.corrupt("the PDF has no pages") }
        guard pages <= limits.maximumPages else { throw FileRejection("too_many_pages", "\(pages) pages is more than \(limits.maximumPages)") }
        let page: RenderedPage
        do {
            page = try PDF.firstPage(of: bytes, width: limits.pageWidth, maximumHeight: limits.pageMaximumHeight)
        } catch {
            throw FileRejection.decodeFailure("the PDF", error.description)
        }
        return ProcessedFile(
            media: FileMedia(pages: pages),
            previews: [PreviewImage(kind: .page, width: page.width, height: page.height, contentType: "image/png", bytes: page.png)]
        )
    }
}
