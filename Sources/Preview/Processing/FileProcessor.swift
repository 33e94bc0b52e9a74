import Database
public import Ingest
public import Jobs
public import Logging
import NIOPosix
public import Storage

/// The preview worker's job handler: validates an uploaded file by decoding it, measures
/// it, makes its previews, and marks it `ready`, or `rejected` with a code. A rejected
/// file's blob is deleted unless another file or a preview still names the same bytes.
public struct FileProcessor: JobHandler {
    public static let kind = "process_file"

    let files: FileStore
    let blobs: any BlobStore
    let limits: ProcessingLimits
    let logger: Logger

    public init(files: FileStore, blobs: any BlobStore, limits: ProcessingLimits = ProcessingLimits(), logger: Logger) {
        self.files = files
        self.blobs = blobs
        self.limits = limits
        self.logger = logger
    }

    public func run(_ job: Job) async throws {
        guard job.kind == Self.kind else { throw UnknownJobKind(kind: job.kind) }
        // A file deleted, or finished by an earlier attempt, needs nothing more.
        guard let file = try await files.file(tenantID: job.tenantID, id: job.fileID), file.status == .processing else { return }
        // Decoding blocks, so it runs on a pool thread, never on a task's.
        let limits = self.limits
        let outcome = try await withLocalCopy(of: file.sha256) { path in
            try await NIOThreadPool.singleton.runIfActive { () throws -> Result<ProcessedFile, FileRejection> in
                do {
                    return .success(try FileInspection(path: path, file: file, limits: limits).run())
                } catch let rejection as FileRejection {
                    return .failure(rejection)
                }
            }
        }
        switch outcome {
        case .success(let processed):
            var previews: [FilePreview] = []
            for image in processed.previews {
                let stored = try await blobs.put(image.bytes)
                previews.append(FilePreview(
                    kind: image.kind, width: image.width, height: image.height, contentType: image.contentType, size: stored.size,
                    sha256: stored.digest
                ))
            }
            _ = try await files.markReady(tenantID: file.tenantID, id: file.id, media: processed.media, previews: previews)
        case .failure(let rejection):
            guard try await files.markRejected(
                tenantID: file.tenantID, id: file.id, code: rejection.code, detail: rejection.detail, deletingFrom: blobs
            ) else { return }
            logger.info("file rejected", metadata: ["file": "\(FileStore.identifier.format(file.id))", "code": "\(rejection.code)"])
        }
    }

    /// Runs `body` with a path to the blob's bytes: the stored file itself when the store
    /// is local, else a private temporary copy removed afterwards.
    func withLocalCopy<Result: Sendable>(of digest: BlobDigest, _ body: (String) async throws -> Result) async throws -> Result {
        if let path = blobs.localPath(of: digest) { return try await body(path) }
        let copy = try await TemporaryCopy.make(of: digest, from: blobs)
        defer { copy.remove() }
        return try await body(copy.path)
    }
}

/// A job of a kind this handler does not run.
struct UnknownJobKind: Error, CustomStringConvertible {
    let kind: String
    var description: String { "no handler for jobs of kind '\(kind)'" }
}
