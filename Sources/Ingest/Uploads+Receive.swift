import Audit
import Database
public import Foundation
public import NIOCore
import Signing
import Storage

extension Uploads {
    /// Takes the bytes of the file named in a signed upload URL: checks the signature,
    /// streams the body into the blob store (verifying size, sha256 and, with libmagic,
    /// the type), then marks the file `processing` and queues its job.
    ///
    /// - Parameters:
    ///   - fileID: the path's last segment, as sent.
    ///   - query: the URL's decoded query parameters, in order.
    ///   - contentType, contentLength: the request's headers, if sent.
    ///   - requestID: the request's id, for the `file.uploaded` audit event (a signed PUT
    ///     carries no API key).
    public func receive<Body: AsyncSequence & Sendable>(
        fileID: String, query: [(name: String, value: String)], contentType: String?, contentLength: Int64?, body: Body,
        requestID: String? = nil, now: Date = Date()
    ) async throws -> StoredFile where Body.Element == ByteBuffer {
        let values: [String: String]
        do {
            values = try signer.verify(method: "PUT", path: "/v1/uploads/" + fileID, query: query, expected: Self.signedNames, now: now)
        } catch .expired {
            throw UploadError.urlExpired
        } catch {
            throw UploadError.badSignature
        }
        guard let id = FileStore.identifier.parse(fileID), let tenantText = values["tenant"], let tenantID = Identifier.uuid(hex: tenantText),
              let file = try await files.file(tenantID: tenantID, id: id)
        else { throw UploadError.notFound }
        guard file.status == StoredFile.Status.awaitingUpload else { throw UploadError.alreadyUploaded }
        guard values["size"] == String(file.size), values["sha256"] == file.sha256.hex, values["type"] == file.declaredType,
              let type = FileType.forFilename(file.filename)
        else { throw UploadError.badSignature }
        if let contentType, FileType.essence(of: contentType) != file.declaredType {
            throw UploadError.typeMismatch(detected: "Content-Type \(contentType.prefix(100)), signed for \(file.declaredType)")
        }
        if let contentLength {
            guard contentLength <= file.size else { throw UploadError.tooLarge(limit: file.size) }
            guard contentLength == file.size else { throw UploadError.sizeMismatch(declared: file.size, received: contentLength) }
        }

        let sniffer = sniffer
        do {
            _ = try await blobs.put(file.sha256, size: file.size, from: MinimumRateBody(body, policy: policy)) { head in
                let detected = try await sniffer.mimeType(of: head)
                guard type.matchesDetected(detected) else { throw UploadError.typeMismatch(detected: detected) }
            }
        } catch UploadError.typeMismatch(let detected) {
            // The bytes are fixed by the signed sha256, so no later PUT can succeed: the
            // file is rejected for good (nothing was stored).
            _ = try await files.reject(
                tenantID: tenantID, id: id, from: .awaitingUpload, code: "type_mismatch",
                detail: "the content is \(detected), not \(file.declaredType)"
            )
            throw UploadError.typeMismatch(detected: detected)
        } catch let error as BlobStoreError {
            switch error {
            case .tooLong: throw UploadError.tooLarge(limit: file.size)
            case .tooShort(let declared, let received): throw UploadError.sizeMismatch(declared: declared, received: received)
            case .digestMismatch: throw UploadError.checksumMismatch
            default: throw error
            }
        }
        guard let uploaded = try await files.markUploaded(
            tenantID: tenantID, id: id, detectedType: type.mimeType, by: AuditActor(keyID: nil, requestID: requestID)
        ) else {
            throw UploadError.alreadyUploaded
        }
        return uploaded
    }
}
