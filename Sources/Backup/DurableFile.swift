import Crypto
import Database
import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// Files written so that a crash leaves either the old contents or the new, never a mix:
/// a temporary file in the same folder, flushed, renamed over the old one, and the folder
/// flushed so the rename itself survives.
enum DurableFile {
    /// Replaces `path` with `data`.
    static func replace(_ path: String, with data: Data) throws {
        let temporary = path + ".tmp"
        let descriptor = open(temporary, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
        guard descriptor >= 0 else { throw BackupError.io(operation: "open", path: temporary, errno: errno) }
        defer { close(descriptor) }
        try data.withUnsafeBytes { bytes in
            var offset = 0
            while offset < bytes.count {
                let written = write(descriptor, bytes.baseAddress! + offset, bytes.count - offset)
                if written < 0 {
                    if errno == EINTR { continue }
                    throw BackupError.io(operation: "write", path: temporary, errno: errno)
                }
                offset += written
            }
        }
        guard fsync(descriptor) == 0 else { throw BackupError.io(operation: "fsync", path: temporary, errno: errno) }
        try move(temporary, to: path)
    }

    /// Renames `source` to `destination` (replacing it) and flushes the folder.
    static func move(_ source: String, to destination: String) throws {
        guard rename(source, destination) == 0 else { throw BackupError.io(operation: "rename", path: source, errno: errno) }
        try syncFolder(of: destination)
    }

    /// Removes `path` if it exists and flushes the folder.
    static func remove(_ path: String) throws {
        if unlink(path) != 0 {
            guard errno == ENOENT else { throw BackupError.io(operation: "unlink", path: path, errno: errno) }
            return
        }
        try syncFolder(of: path)
    }

    private static func syncFolder(of path: String) throws {
        let folder = (path as NSString).deletingLastPathComponent
        let descriptor = open(folder, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        guard descriptor >= 0 else { throw BackupError.io(operation: "open", path: folder, errno: errno) }
        defer { close(descriptor) }
        guard fsync(descriptor) == 0 else { throw BackupError.io(operation: "fsync", path: folder, errno: errno) }
    }

    /// The SHA-256 (lowercase hex) and size of the file at `path`, read in 1 MiB chunks.
    static func sha256(of path: String) throws -> (sha256: String, size: Int64) {
        guard let handle = FileHandle(forReadingAtPath: path) else { throw BackupError.io(operation: "open", path: path, errno: ENOENT) }
        defer { try? handle.close() }
        var hasher = SHA256()
        var size: Int64 = 0
        while let chunk = try handle.read(upToCount: 1 << 20), !chunk.isEmpty {
            hasher.update(data: chunk)
            size += Int64(chunk.count)
        }
        return (Hex.encode(Array(hasher.finalize())), size)
    }
}
