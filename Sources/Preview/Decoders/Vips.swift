import Foundation
import CVipsShim
import Synchronization

/// libvips, started once per process for untrusted input (operation cache off, untrusted
/// loaders blocked). Every call blocks: run them on a worker thread, never an event loop.
public enum Vips {
    private static let started = Mutex<Bool?>(nil)

    /// Starts libvips once; later calls return at once (or throw again if it failed).
    public static func start() throws(VipsError) {
        let ok = started.withLock { state -> Bool in
            if let state { return state }
            let ok = grey_vips_start() == 0
            state = ok
            return ok
        }
        guard ok else { throw VipsError.fromLibrary("vips_init") }
    }

    /// An image's size, page count and the loader libvips picked, read from its header only.
    public static func header(of bytes: [UInt8]) throws(VipsError) -> ImageHeader {
        try readHeader { width, height, pages, loader in
            bytes.withUnsafeBytes { grey_vips_header($0.baseAddress, $0.count, width, height, pages, loader) }
        }
    }

    /// The header of the image file at `path`.
    public static func header(path: String) throws(VipsError) -> ImageHeader {
        do {
            return try readHeader { grey_vips_header_file(path, $0, $1, $2, $3) }
        } catch {
            throw error.hiding(path)
        }
    }

    /// A JPEG thumbnail of `bytes` fitting `size` x `size` (never enlarged), EXIF orientation
    /// applied, in sRGB, without metadata; a truncated or corrupt image throws.
    public static func thumbnail(of bytes: [UInt8], size: Int) throws(VipsError) -> Thumbnail {
        try makeThumbnail { output, length, width, height in
            bytes.withUnsafeBytes { grey_vips_thumbnail($0.baseAddress, $0.count, Int32(size), output, length, width, height) }
        }
    }

    /// The same thumbnail of the image file at `path`, decoded with shrink-on-load where
    /// the format has it (JPEG, WebP, HEIC), so a large photo is never decoded whole.
    public static func thumbnail(path: String, size: Int) throws(VipsError) -> Thumbnail {
        do {
            return try makeThumbnail { grey_vips_thumbnail_file(path, Int32(size), $0, $1, $2, $3) }
        } catch {
            throw error.hiding(path)
        }
    }

    /// Encodes 8-bit pixels, `bands` per pixel in packed rows, as PNG or JPEG.
    public static func encode(pixels: [UInt8], width: Int, height: Int, bands: Int, as format: EncodedFormat) throws(VipsError) -> [UInt8] {
        try start()
        guard width > 0, height > 0, (1...4).contains(bands), pixels.count == width * height * bands else {
            throw VipsError(operation: "encode", message: "\(pixels.count) bytes are not \(width)x\(height)x\(bands)")
        }
        var output: UnsafeMutableRawPointer?
        var length = 0
        let status = pixels.withUnsafeBytes {
            grey_vips_encode($0.baseAddress, Int32(width), Int32(height), Int32(bands), format.rawValue, &output, &length)
        }
        guard status == 0, let output else { throw VipsError.fromLibrary("encode") }
        defer { grey_vips_free(output) }
        return Array(UnsafeRawBufferPointer(start: output, count: length))
    }

    public enum EncodedFormat: Int32, Sendable {
        case jpeg = 0, png = 1
        /// Adam7-interlaced PNG: a decoder must hold the whole image to read it.
        case interlacedPNG = 2
    }

    private static func readHeader(
        _ call: (UnsafeMutablePointer<Int32>, UnsafeMutablePointer<Int32>, UnsafeMutablePointer<Int32>, UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>) -> Int32
    ) throws(VipsError) -> ImageHeader {
        try start()
        var width: Int32 = 0, height: Int32 = 0, pages: Int32 = 0
        var loader: UnsafeMutablePointer<CChar>?
        let status = call(&width, &height, &pages, &loader)
        guard status == 0, let loader else { throw VipsError.fromLibrary("header") }
        defer { grey_vips_free(loader) }
        return ImageHeader(width: Int(width), height: Int(height), pages: Int(pages), loader: String(cString: loader))
    }

    private static func makeThumbnail(
        _ call: (UnsafeMutablePointer<UnsafeMutableRawPointer?>, UnsafeMutablePointer<Int>, UnsafeMutablePointer<Int32>, UnsafeMutablePointer<Int32>) -> Int32
    ) throws(VipsError) -> Thumbnail {
        try start()
        var output: UnsafeMutableRawPointer?
        var length = 0
        var width: Int32 = 0, height: Int32 = 0
        let status = call(&output, &length, &width, &height)
        guard status == 0, let output else { throw VipsError.fromLibrary("thumbnail") }
        defer { grey_vips_free(output) }
        return Thumbnail(jpeg: Array(UnsafeRawBufferPointer(start: output, count: length)), width: Int(width), height: Int(height))
    }
}

/// What an image's header says.
public struct ImageHeader: Sendable, Equatable {
    public let width: Int
    public let height: Int
    public let pages: Int
    /// libvips' loader, e.g. `jpegload_buffer`, `heifload_buffer`.
    public let loader: String
}

/// A JPEG preview and its size.
public struct Thumbnail: Sendable {
    public let jpeg: [UInt8]
    public let width: Int
    public let height: Int
}

/// libvips refused an image; `message` is its own words.
public struct VipsError: Error, CustomStringConvertible {
    public let operation: String
    public let message: String

    public var description: String { "\(operation): \(message)" }

    /// Takes (and clears) libvips' error text at once: its buffer is process-global.
    static func fromLibrary(_ operation: String) -> VipsError {
        guard let text = grey_vips_error() else { return VipsError(operation: operation, message: "unknown error") }
        defer { grey_vips_free(text) }
        let message = String(cString: text).trimmingWhitespace()
        return VipsError(operation: operation, message: message.isEmpty ? "unknown error" : message)
    }

    /// The same error with `path` (where the server keeps the bytes) left out of its words,
    /// since they reach clients as a rejection's detail.
    func hiding(_ path: String) -> VipsError {
        VipsError(operation: operation, message: message.replacingOccurrences(of: path, with: "the file"))
    }
}

extension String {
    func trimmingWhitespace() -> String {
        var text = Substring(self)
        while let last = text.last, last.isWhitespace { text.removeLast() }
        while let first = text.first, first.isWhitespace { text.removeFirst() }
        return String(text)
    }
}
