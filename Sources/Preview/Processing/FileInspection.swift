import Foundation
import Ingest

/// The blocking work on one file: each kind of file is validated by decoding it, with
/// the limits checked from its headers first. Throws ``FileRejection`` for bad bytes;
/// other errors (a read failing) are the worker's and the job is retried.
struct FileInspection {
    let path: String
    let file: StoredFile
    let limits: ProcessingLimits

    func run() throws -> ProcessedFile {
        guard let type = FileType.forFilename(file.filename) else {
            throw FileRejection("unsupported_type", "\(file.filename) is not a supported kind of file")
        }
        switch type.category {
        case .image: return try image(type)
        case .video: return try video()
        case .audio: return try audio()
        case .document: return type.extensions.contains("pdf") ? try pdf() : try office(type)
        }
    }

    /// The whole file in memory, for the decoders that take bytes (PDFs and OOXML
    /// packages, which Ingest bounds at 200 MiB by default).
    func bytes() throws -> [UInt8] {
        try [UInt8](Data(contentsOf: URL(fileURLWithPath: path), options: .mappedIfSafe))
    }
}
