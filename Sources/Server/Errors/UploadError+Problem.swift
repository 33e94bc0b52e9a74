import HTTPTypes
import Ingest

extension APIError {
    /// How upload refusals read over HTTP: each case has its status and stable code.
    init(upload error: UploadError) {
        switch error {
        case .unsupportedType(let detail):
            self.init(
                status: .unsupportedMediaType, code: "unsupported_type",
                detail: "Unsupported file: \(detail). Supported: jpg, jpeg, png, heic, heif, webp, gif, mp4, mov, pdf, docx, xlsx, mp3, wav."
            )
        case .tooLarge(let limit):
            self.init(status: .contentTooLarge, code: "too_large", detail: "The file is larger than its limit of \(limit) bytes.")
        case .emptyFile:
            self.init(status: .unprocessableContent, code: "empty_file", detail: "A file must have at least one byte.")
        case .invalidField(let field, let reason):
            self = .invalidRequest("Field '\(field)' \(reason).")
        case .badSignature:
            self.init(status: .forbidden, code: "bad_signature", detail: "The upload URL's signature does not hold; request a new URL.")
        case .urlExpired:
            self.init(status: .forbidden, code: "url_expired", detail: "The upload URL has expired; request a new URL.")
        case .alreadyUploaded:
            self.init(status: .conflict, code: "already_uploaded", detail: "This file's bytes were already received; upload URLs are single use.")
        case .sizeMismatch(let declared, let received):
            self.init(
                status: .unprocessableContent, code: "size_mismatch",
                detail: "The body has \(received) bytes; \(declared) were declared. Nothing was stored."
            )
        case .checksumMismatch:
            self.init(
                status: .unprocessableContent, code: "checksum_mismatch",
                detail: "The body's SHA-256 differs from the declared one. Nothing was stored."
            )
        case .typeMismatch(let detected):
            self.init(
                status: .unsupportedMediaType, code: "type_mismatch",
                detail: "The bytes are not of the declared type (found \(detected.prefix(120))). Nothing was stored."
            )
        case .notFound:
            self = .notFound("No such file.")
        case .tooSlow:
            self.init(status: .requestTimeout, code: "upload_too_slow", detail: "The upload was slower than the minimum rate. Nothing was stored.")
        }
    }
}
