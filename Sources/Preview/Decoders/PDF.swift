import CPopplerShim
import Synchronization

/// PDF files through poppler-glib: open, count pages, render the first page. poppler-glib
/// does not promise thread safety for every call, so one call runs at a time in a
/// process (the worker processes give parallelism). Every call blocks.
public enum PDF {
    private static let serial = Mutex(())

    /// The number of pages; throws ``PDFError/encrypted`` for a password-protected file
    /// and ``PDFError/unreadable(_:)`` for one poppler cannot open.
    public static func pageCount(of bytes: [UInt8]) throws(PDFError) -> Int {
        var pages: Int32 = 0, encrypted: Int32 = 0
        var error: UnsafeMutablePointer<CChar>?
        let status = serial.withLock { _ in
            bytes.withUnsafeBytes { grey_pdf_inspect($0.baseAddress, $0.count, &pages, &encrypted, &error) }
        }
        guard status == 0 else { throw PDFError.take(error, encrypted: encrypted != 0) }
        return Int(pages)
    }

    /// The first page as PNG, `width` pixels wide (at most `maximumHeight` tall), on white.
    public static func firstPage(of bytes: [UInt8], width: Int, maximumHeight: Int) throws(PDFError) -> RenderedPage {
        var png: UnsafeMutableRawPointer?
        var length = 0
        var outWidth: Int32 = 0, outHeight: Int32 = 0
        var error: UnsafeMutablePointer<CChar>?
        let status = serial.withLock { _ in
            bytes.withUnsafeBytes {
                grey_pdf_render_first_page($0.baseAddress, $0.count, Int32(width), Int32(maximumHeight), &png, &length, &outWidth, &outHeight, &error)
            }
        }
        guard status == 0, let png else { throw PDFError.take(error, encrypted: false) }
        defer { grey_pdf_free(png) }
        return RenderedPage(png: Array(UnsafeRawBufferPointer(start: png, count: length)), width: Int(outWidth), height: Int(outHeight))
    }
}

/// A rendered page and its size in pixels.
public struct RenderedPage: Sendable {
    public let png: [UInt8]
    public let width: Int
    public let height: Int
}

/// Why a PDF was refused.
public enum PDFError: Error, Equatable, CustomStringConvertible {
    /// It needs a password.
    case encrypted
    /// poppler cannot open or render it; its own words.
    case unreadable(String)

    public var description: String {
        switch self {
        case .encrypted: "the PDF is encrypted"
        case .unreadable(let message): "the PDF cannot be read: \(message)"
        }
    }

    /// Takes the shim's message (freeing it).
    static func take(_ message: UnsafeMutablePointer<CChar>?, encrypted: Bool) -> PDFError {
        let text = message.map { String(cString: $0) } ?? "unknown error"
        if let message { grey_pdf_free(message) }
        return encrypted ? .encrypted : .unreadable(text)
    }
}
