import Audit
import Hummingbird
import Ingest
import LedgerLink
import Logging
import NIOCore
import PostgresNIO
import Storage

extension APIError {
    /// The problem to answer `error` with: its client-facing form, or, for an unexpected
    /// error, a bare 500 after `error` is logged in full on `logger`.
    static func answering(_ error: any Error, logger: Logger) -> APIError {
        if let known = mapping(error) { return known }
        logger.error("unexpected error", metadata: ["error": .string(String(reflecting: error))])
        return .unexpected
    }

    /// The client-facing form of any error a handler throws; nil when the error is
    /// unexpected (a bug or an outage), which the caller reports as a 500.
    static func mapping(_ error: any Error) -> APIError? {
        switch error {
        case let error as APIError:
            return error
        case let error as LedgerError:
            return APIError(ledger: error)
        case let error as UploadError:
            return APIError(upload: error)
        case let error as AttachmentError:
            return APIError(attachment: error)
        case is FileListError, is AuditCursorError:
            return .invalidRequest("Query parameter 'cursor' is not a cursor this list returned.")
        case let error as PSQLError where ["22021", "22P05"].contains(error.serverInfo?[.sqlState]):
            // Text holding U+0000, which PostgreSQL text cannot store: the client's text.
            return .invalidRequest("Text must not contain the NUL character (U+0000).")
        case let error as PostgresTransactionError:
            // A refusal thrown inside a database transaction arrives wrapped; its cause
            // decides (a failure of the transaction itself stays unexpected).
            return error.closureError.flatMap(mapping)
        case BlobStoreError.integrity:
            return APIError(
                status: .internalServerError, code: "blob_integrity",
                detail: "The stored bytes of this file failed their integrity check; they are not served."
            )
        case BlobStoreError.unknownEncryptionKey:
            return APIError(
                status: .internalServerError, code: "blob_key_unavailable",
                detail: "This file is encrypted under a key the server does not hold."
            )
        case is NIOTooManyBytesError:
            return .tooLarge(limit: AppRequestContext.maxJSONBodySize)
        case let error as DecodingError:
            return .invalidRequest(describe(error))
        case let error as HTTPError:
            return APIError(httpError: error)
        default:
            return nil
        }
    }

    /// The 500 for an error nobody expected; its detail says nothing of the cause.
    static var unexpected: APIError {
        APIError(status: .internalServerError, code: "internal_error", detail: "An unexpected error occurred; it has been logged.")
    }

    private init(httpError: HTTPError) {
        switch httpError.status {
        case .notFound: self = .notFound("No route matches this path.")
        case .contentTooLarge: self = .tooLarge(limit: AppRequestContext.maxJSONBodySize)
        case .badRequest: self = .invalidRequest(httpError.body ?? "The request is malformed.")
        case .unauthorized: self = .unauthorized()
        default:
            let code = httpError.status.reasonPhrase.lowercased().split(whereSeparator: { !$0.isLetter }).joined(separator: "_")
            self.init(status: httpError.status, code: code, detail: httpError.body ?? httpError.status.reasonPhrase)
        }
        for field in httpError.headers where headers[field.name] == nil {
            headers.append(field)
        }
    }

    private static func describe(_ error: DecodingError) -> String {
        func path(_ context: DecodingError.Context, _ last: (any CodingKey)? = nil) -> String {
            let keys = context.codingPath + (last.map { [$0] } ?? [])
            let text = keys.map { $0.intValue.map { "[\($0)]" } ?? $0.stringValue }.joined(separator: ".")
            return text.isEmpty ? "the body" : "'\(text)'"
        }
        switch error {
        case .keyNotFound(let key, let context): return "Missing field \(path(context, key))."
        case .valueNotFound(_, let context): return "Field \(path(context)) must not be null."
        case .typeMismatch(let type, let context): return "Field \(path(context)) must be \(expected(type))."
        case .dataCorrupted(let context):
            return context.codingPath.isEmpty ? "The body is not valid JSON." : "Field \(path(context)) is invalid."
        @unknown default: return "The body could not be read."
        }
    }

    private static func expected(_ type: Any.Type) -> String {
        switch type {
        case is String.Type: "a string"
        case is Int.Type, is Int64.Type: "an integer"
        case is Bool.Type: "a boolean"
        default: "of type \(type)"
        }
    }
}
