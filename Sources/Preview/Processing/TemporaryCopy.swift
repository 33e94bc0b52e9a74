import Foundation
import NIOCore
import Storage

/// A blob copied to a private temporary file, for decoders that read files, when the
/// store is remote.
struct TemporaryCopy: Sendable {
    let path: String

    static func make(of digest: BlobDigest, from blobs: any BlobStore) async throws -> TemporaryCopy {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("grey-\(UUID().uuidString)").path
        guard FileManager.default.createFile(atPath: path, contents: nil, attributes: [.posixPermissions: 0o600]),
              let handle = FileHandle(forWritingAtPath: path)
        else { throw CocoaError(.fileWriteUnknown) }
        let copy = TemporaryCopy(path: path)
        do {
            defer { try? handle.close() }
            for try await chunk in try await blobs.read(digest, range: nil) {
                try handle.write(contentsOf: Data(chunk.readableBytesView))
            }
        } catch {
            copy.remove()
            throw error
        }
        return copy
    }

    func remove() {
        try? FileManager.default.removeItem(atPath: path)
    }
}
