#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#else
import Darwin
#endif
import NIOCore

/// Appends bytes to a new file past the page cache (`O_DIRECT`) where the filesystem
/// allows it: whole aligned blocks go straight to the disk as they come, so the final
/// fsync has only the last partial block and the device's cache left to flush, instead of
/// the whole file's writeback. Bytes of any length are gathered in one aligned buffer;
/// the unaligned rest of the file is written through the page cache by ``finish()``.
///
/// Not thread-safe: one upload's writer calls it, one block after the other.
final class DirectAppender {
    /// Offsets, lengths and addresses of direct writes are multiples of this (the page
    /// size, which every block device's logical block size divides).
    static let alignment = 4096
    /// The most a buffer holds (a smaller file gets one just large enough).
    static let bufferSize = 1 << 20

    private let file: PosixFile
    private let buffer: UnsafeMutableRawBufferPointer
    /// Bytes in `buffer` not written yet; they belong at `offset`.
    private var buffered = 0
    private var offset: Int64 = 0
    /// False once the file turned out not to take direct writes: then every write goes through the page cache.
    private(set) var isDirect: Bool

    /// - Parameter expectedSize: the file's length when known, so that a small file gets a small buffer.
    init(file: PosixFile, expectedSize: Int64? = nil) {
        self.file = file
        self.isDirect = file.isDirectIO
        let wholeBlocks = expectedSize.map { max(1, ($0 + Int64(Self.alignment) - 1) / Int64(Self.alignment)) } ?? Int64.max
        let capacity = Int(min(Int64(Self.bufferSize / Self.alignment), wholeBlocks)) * Self.alignment
        buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: capacity, alignment: Self.alignment)
    }

    deinit { buffer.deallocate() }

    /// Appends `bytes`, writing every aligned block the buffer fills.
    func append(_ bytes: ByteBuffer) throws {
        try bytes.withUnsafeReadableBytes { source in
            var taken = 0
            while taken < source.count {
                let count = min(source.count - taken, buffer.count - buffered)
                (buffer.baseAddress! + buffered).copyMemory(from: source.baseAddress! + taken, byteCount: count)
                buffered += count
                taken += count
                if buffered == buffer.count { try writeAlignedPart() }
            }
        }
    }

    /// Writes what is left (the file's last, partial block) through the page cache. The
    /// caller syncs the file afterwards.
    func finish() throws {
        try writeAlignedPart()
        guard buffered > 0 else { return }
        try stopDirectWrites()
        try write(count: buffered)
    }

    /// Writes the buffer's whole aligned blocks and keeps the rest at its start.
    private func writeAlignedPart() throws {
        let count = isDirect ? buffered / Self.alignment * Self.alignment : buffered
        guard count > 0 else { return }
        try write(count: count)
    }

    /// Writes the buffer's first `count` bytes at `offset`, and moves the rest to the start.
    private func write(count: Int) throws {
        let bytes = UnsafeRawBufferPointer(rebasing: buffer[0..<count])
        do {
            try file.writeAll(bytes, at: offset)
        } catch BlobStoreError.io(_, let code) where code == EINVAL && isDirect {
            // A filesystem that accepted O_DIRECT at open but not this write: write it
            // again, whole, through the page cache, and every write after it.
            try stopDirectWrites()
            try file.writeAll(bytes, at: offset)
        }
        offset += Int64(count)
        buffered -= count
        if buffered > 0 { buffer.baseAddress!.copyMemory(from: buffer.baseAddress! + count, byteCount: buffered) }
    }

    private func stopDirectWrites() throws {
        guard isDirect else { return }
        try file.stopDirectIO()
        isDirect = false
    }
}
