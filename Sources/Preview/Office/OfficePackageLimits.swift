/// How far an uploaded Office package may expand before it counts as a zip bomb.
public struct OfficePackageLimits: Sendable, Equatable {
    /// The most entries the central directory may list.
    public var maximumEntries = 10_000
    /// The most bytes all entries together may inflate to.
    public var maximumUncompressedBytes: Int64 = 512 << 20
    /// The highest uncompressed/compressed ratio, per entry and for the whole file.
    public var maximumRatio: Int64 = 200
    /// Entries (and packages) inflating to at most this many bytes skip the ratio checks:
    /// small, repetitive XML parts compress very well and cannot hurt.
    public var ratioExemptBytes: Int64 = 1 << 20

    public init() {}

    /// Refuses, before anything is inflated, what the central directory itself declares.
    func checkDeclared(_ entries: [ZipEntry], packageSize: Int) throws(OfficePackageError) {
        var total: Int64 = 0
        for entry in entries {
            total += entry.uncompressedSize  // At most 65,535 sizes below 2^32: no overflow.
            guard total <= maximumUncompressedBytes else {
                throw .init(.zipBomb, "the entries declare more than \(maximumUncompressedBytes) bytes in all")
            }
            guard !exceedsRatio(entry.uncompressedSize, entry.compressedSize) else {
                throw .init(.zipBomb, "\(entry.name) declares \(entry.uncompressedSize) bytes from \(entry.compressedSize)")
            }
        }
        guard !exceedsRatio(total, Int64(packageSize)) else {
            throw .init(.zipBomb, "the entries declare \(total) bytes from a \(packageSize)-byte file")
        }
    }

    private func exceedsRatio(_ uncompressed: Int64, _ compressed: Int64) -> Bool {
        guard uncompressed > ratioExemptBytes else { return false }
        let (bound, overflow) = max(compressed, 1).multipliedReportingOverflow(by: max(maximumRatio, 0))
        return !overflow && uncompressed > bound
    }
}

/// Why an Office package was refused; `code.rawValue` is the API's snake_case code.
public struct OfficePackageError: Error, Equatable, CustomStringConvertible {
    /// The kinds of refusal, each with a stable snake_case raw value.
    public enum Code: String, Sendable, CaseIterable {
        /// No zip end of central directory record at all.
        case notAZip = "not_a_zip"
        /// A damaged zip: bad offsets, sizes, CRCs, deflate data or entry names.
        case corrupt = "corrupt"
        /// A zip without `[Content_Types].xml`.
        case missingContentTypes = "missing_content_types"
        /// A package whose main part is not the expected kind's.
        case wrongKind = "wrong_kind"
        /// Too many entries, too many bytes, too high a ratio, or output past a declared size.
        case zipBomb = "zip_bomb"
        /// An encrypted entry.
        case encrypted = "encrypted"
        /// ZIP64, multi-disk, or a compression method other than stored and deflate.
        case unsupported = "unsupported"
    }

    public let code: Code
    /// A short English explanation for logs and problem details.
    public let detail: String

    init(_ code: Code, _ detail: String) {
        self.code = code
        self.detail = detail
    }

    public var description: String { "\(code.rawValue): \(detail)" }
}
