#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#else
import Darwin
#endif
import NIOCore
import NIOPosix

/// An open file descriptor, closed when released. Every call blocks, so callers run them
/// on the thread pool (``PosixFile/offload(_:)``), never on an event loop.
final class PosixFile: @unchecked Sendable {
    // Safe to share: the descriptor is only used by one caller at a time (a put or a read
    // owns its file), and `close` happens once, in deinit.
    let descriptor: Int32

    private init(descriptor: Int32) {
        self.descriptor = descriptor
    }

    deinit { _ = close(descriptor) }

    /// Creates a new file that must not exist yet, readable by its owner only; with
    /// `direct`, opened for writes past the page cache where the filesystem allows it
    /// (``isDirectIO`` tells).
    static func createExclusive(_ path: String, direct: Bool = false) throws -> PosixFile {
        let flags = O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC
        if direct && directIOFlag != 0 {
            let descriptor = open(path, flags | directIOFlag, 0o600)
            if descriptor >= 0 { return PosixFile(descriptor: descriptor) }
            guard errno == EINVAL else { throw BlobStoreError.io(operation: "open", errno: errno) }
        }
        let descriptor = open(path, flags, 0o600)
        guard descriptor >= 0 else { throw BlobStoreError.io(operation: "open", errno: errno) }
        return PosixFile(descriptor: descriptor)
    }

    /// Whether writes go past the page cache (see ``createExclusive(_:direct:)`` and ``stopDirectIO()``).
    var isDirectIO: Bool { directIOFlag != 0 && fcntl(descriptor, F_GETFL) & directIOFlag != 0 }

    /// Clears direct I/O, so that the next writes (of any length and offset) go through the page cache.
    func stopDirectIO() throws {
        let flags = fcntl(descriptor, F_GETFL)
        guard flags >= 0, fcntl(descriptor, F_SETFL, flags & ~directIOFlag) == 0 else {
            throw BlobStoreError.io(operation: "fcntl", errno: errno)
        }
    }

    /// Opens an existing file for reading, or returns nil when there is none.
    static func openForReading(_ path: String) throws -> PosixFile? {
        let descriptor = open(path, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else {
            if errno == ENOENT { return nil }
            throw BlobStoreError.io(operation: "open", errno: errno)
        }
        return PosixFile(descriptor: descriptor)
    }

    /// Writes all of `bytes` at `offset`, however many calls it takes.
    func writeAll(_ bytes: UnsafeRawBufferPointer, at offset: Int64) throws {
        var written = 0
        while written < bytes.count {
            let result = pwrite(descriptor, bytes.baseAddress! + written, bytes.count - written, off_t(offset) + off_t(written))
            if result < 0 {
                if errno == EINTR { continue }
                throw BlobStoreError.io(operation: "write", errno: errno)
            }
            written += result
        }
    }

    /// Reads up to `count` bytes at `offset`; fewer only at the end of the file.
    func read(count: Int, at offset: Int64, allocator: ByteBufferAllocator) throws -> ByteBuffer {
        var buffer = allocator.buffer(capacity: count)
        var total = 0
        try buffer.writeWithUnsafeMutableBytes(minimumWritableBytes: count) { bytes in
            while total < count {
                let got = pread(descriptor, bytes.baseAddress! + total, count - total, off_t(offset) + off_t(total))
                if got < 0 {
                    if errno == EINTR { continue }
                    throw BlobStoreError.io(operation: "pread", errno: errno)
                }
                if got == 0 { break }
                total += got
            }
            return total
        }
        return buffer
    }

    /// The size of the open file.
    func size() throws -> Int64 {
        var info = stat()
        guard fstat(descriptor, &info) == 0 else { throw BlobStoreError.io(operation: "fstat", errno: errno) }
        return Int64(info.st_size)
    }

    func sync() throws {
        guard fsync(descriptor) == 0 else { throw BlobStoreError.io(operation: "fsync", errno: errno) }
    }

    /// Runs blocking file work on NIO's thread pool.
    static func offload<Result: Sendable>(_ work: @Sendable @escaping () throws -> Result) async throws -> Result {
        try await NIOThreadPool.singleton.runIfActive(work)
    }
}

/// Linux's `O_DIRECT`, which the C library's Swift overlay does not export; 0 where unknown.
#if os(Linux) && (arch(x86_64) || arch(i386))
let directIOFlag: Int32 = 0o40000
#elseif os(Linux) && (arch(arm64) || arch(arm))
let directIOFlag: Int32 = 0o200000
#else
let directIOFlag: Int32 = 0
#endif

/// Small path operations of the blob store, each one system call.
enum PosixPath {
    static func makeDirectory(_ path: String) throws {
        guard mkdir(path, 0o700) == 0 || errno == EEXIST else { throw BlobStoreError.io(operation: "mkdir", errno: errno) }
    }

    /// Atomically moves `source` to `destination`, replacing nothing: false if taken.
    static func renameUnlessTaken(_ source: String, to destination: String) throws -> Bool {
        if link(source, destination) != 0 {
            if errno == EEXIST { return false }
            throw BlobStoreError.io(operation: "link", errno: errno)
        }
        _ = unlink(source)
        return true
    }

    static func remove(_ path: String) throws {
        guard unlink(path) == 0 || errno == ENOENT else { throw BlobStoreError.io(operation: "unlink", errno: errno) }
    }

    /// Size of a regular file, or nil if there is none.
    static func size(of path: String) throws -> Int64? {
        var info = stat()
        guard stat(path, &info) == 0 else {
            if errno == ENOENT { return nil }
            throw BlobStoreError.io(operation: "stat", errno: errno)
        }
        return Int64(info.st_size)
    }

    /// Makes a directory's entries (a rename into it) durable.
    static func syncDirectory(_ path: String) throws {
        let descriptor = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        guard descriptor >= 0 else { throw BlobStoreError.io(operation: "open", errno: errno) }
        defer { _ = close(descriptor) }
        guard fsync(descriptor) == 0 else { throw BlobStoreError.io(operation: "fsync", errno: errno) }
    }

    /// The names in a directory, or none if it does not exist.
    static func entries(of path: String) throws -> [String] {
        guard let directory = opendir(path) else {
            if errno == ENOENT { return [] }
            throw BlobStoreError.io(operation: "opendir", errno: errno)
        }
        defer { closedir(directory) }
        var names: [String] = []
        while let entry = readdir(directory) {
            let name = withUnsafePointer(to: entry.pointee.d_name) { pointer in
                pointer.withMemoryRebound(to: CChar.self, capacity: 256) { String(cString: $0) }
            }
            if name != "." && name != ".." { names.append(name) }
        }
        return names
    }
}
