import CMagic

/// One libmagic handle with the system's compiled database loaded, closed in deinit.
/// libmagic handles are not thread-safe: a cookie is used by one caller at a time
/// (``ContentSniffer`` lends them out).
final class MagicCookie {
    private let handle: magic_t

    init() throws(SniffError) {
        // MIME type only; never run external decompressors on untrusted bytes.
        guard let handle = magic_open(MAGIC_MIME_TYPE | MAGIC_NO_CHECK_COMPRESS | MAGIC_NO_CHECK_TAR | MAGIC_ERROR) else {
            throw SniffError("magic_open failed")
        }
        guard magic_load(handle, nil) == 0 else {
            let message = magic_error(handle).map { String(cString: $0) } ?? "unknown error"
            magic_close(handle)
            throw SniffError("magic_load failed: \(message)")
        }
        self.handle = handle
    }

    deinit { magic_close(handle) }

    /// The MIME type libmagic reads in `bytes`.
    func mimeType(of bytes: UnsafeRawBufferPointer) throws(SniffError) -> String {
        guard let result = magic_buffer(handle, bytes.baseAddress, bytes.count) else {
            let message = magic_error(handle).map { String(cString: $0) } ?? "unknown error"
            throw SniffError("magic_buffer failed: \(message)")
        }
        return String(cString: result)
    }
}

/// libmagic could not be set up or could not read a buffer.
public struct SniffError: Error, CustomStringConvertible {
    public let description: String
    init(_ description: String) { self.description = description }
}
