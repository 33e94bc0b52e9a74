import HTTPTypes
import Ingest

extension APIError {
    /// How refusals to link, unlink or delete files read over HTTP.
    init(attachment error: AttachmentError) {
        switch error {
        case .transactionNotFound:
            self = .notFound("No transaction with this id.")
        case .fileNotFound:
            self = .notFound("No file with this id.")
        case .alreadyAttached:
            self.init(status: .conflict, code: "already_attached", detail: "The file is already attached to this transaction.")
        case .notAttached:
            self = .notFound("The file is not attached to this transaction.")
        case .fileAttached:
            self.init(
                status: .conflict, code: "file_attached",
                detail: "The file is attached to a posted transaction and is part of its record; unlink it first."
            )
        case .fileProcessing:
            self.init(
                status: .conflict, code: "file_processing",
                detail: "The file is still being processed; it can be deleted once it is ready or rejected."
            )
        }
    }
}
