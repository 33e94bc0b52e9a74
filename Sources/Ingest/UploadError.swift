import Storage

/// Why an upload was refused; each case has a stable code in the HTTP contract.
public enum UploadError: Error, Equatable {
    /// The extension or the declared type is not on the allow-list, or they disagree.
    case unsupportedType(String)
    /// Larger than the type's limit (declared), or more bytes than declared arrived.
    case tooLarge(limit: Int64)
    /// A declared size of zero bytes.
    case emptyFile
    /// A malformed field.
    case invalidField(String, reason: String)
    /// The URL's signature does not hold (tampered, another file's, another tenant's).
    case badSignature
    /// The URL was signed right but has expired.
    case urlExpired
    /// The file's bytes were already received (upload URLs are single use).
    case alreadyUploaded
    /// The body ended before the declared size.
    case sizeMismatch(declared: Int64, received: Int64)
    /// The body's sha256 is not the declared one.
    case checksumMismatch
    /// The bytes are not of the declared type.
    case typeMismatch(detected: String)
    /// No such file.
    case notFound
    /// The client sent too slowly.
    case tooSlow
}
