import CZlib

/// A zlib raw-deflate stream and a small output buffer, reused entry after entry.
///
/// The `z_stream` lives at a fixed address (zlib keeps a pointer back to it), so it is
/// allocated by hand and released, with `inflateEnd`, in `deinit`.
final class Inflater {
    static let chunkSize = 64 << 10

    private let stream: UnsafeMutablePointer<z_stream>
    private let output: UnsafeMutablePointer<UInt8>

    private init(stream: UnsafeMutablePointer<z_stream>) {
        self.stream = stream
        self.output = .allocate(capacity: Self.chunkSize)
    }

    /// A ready inflater; throws only when zlib cannot start (out of memory).
    static func make() throws(OfficePackageError) -> Inflater {
        let stream = UnsafeMutablePointer<z_stream>.allocate(capacity: 1)
        stream.initialize(to: z_stream())
        guard inflateInit2_(stream, -MAX_WBITS, ZLIB_VERSION, Int32(MemoryLayout<z_stream>.size)) == Z_OK else {
            stream.deinitialize(count: 1)
            stream.deallocate()
            throw .init(.unsupported, "zlib could not start")
        }
        return Inflater(stream: stream)
    }

    deinit {
        inflateEnd(stream)
        stream.deinitialize(count: 1)
        stream.deallocate()
        output.deallocate()
    }

    /// Inflates `input` (raw deflate) chunk by chunk into `sink`, stopping with `zip_bomb`
    /// as soon as the output passes `limit` bytes; returns the number of bytes produced.
    func inflate(
        _ input: UnsafeRawBufferPointer, limit: Int64,
        into sink: (UnsafeRawBufferPointer) throws(OfficePackageError) -> Void
    ) throws(OfficePackageError) -> Int64 {
        guard let base = input.baseAddress, input.count > 0, let length = UInt32(exactly: input.count) else {
            throw .init(.corrupt, "an empty or oversized deflate stream")
        }
        guard inflateReset(stream) == Z_OK else { throw .init(.corrupt, "zlib could not reset") }
        stream.pointee.next_in = UnsafeMutablePointer(mutating: base.assumingMemoryBound(to: UInt8.self))
        stream.pointee.avail_in = length
        defer {
            stream.pointee.next_in = nil
            stream.pointee.avail_in = 0
        }
        var total: Int64 = 0
        while true {
            stream.pointee.next_out = output
            stream.pointee.avail_out = UInt32(Self.chunkSize)
            let status = CZlib.inflate(stream, Z_NO_FLUSH)
            let produced = Self.chunkSize - Int(stream.pointee.avail_out)
            if produced > 0 {
                total += Int64(produced)  // At most `limit` + one chunk: no overflow.
                guard total <= limit else {
                    throw .init(.zipBomb, "an entry inflates past \(limit) bytes, more than it declares")
                }
                try sink(UnsafeRawBufferPointer(start: output, count: produced))
            }
            switch status {
            case Z_STREAM_END: return total
            case Z_OK: continue  // zlib made progress; input and output are both bounded.
            case Z_BUF_ERROR: throw .init(.corrupt, "a deflate stream is cut short")
            default:
                let message = stream.pointee.msg.map { String(cString: $0) } ?? "status \(status)"
                throw .init(.corrupt, "bad deflate data: \(message)")
            }
        }
    }
}
