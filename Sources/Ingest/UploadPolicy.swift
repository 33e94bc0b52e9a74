public import Foundation

/// The limits of uploads; the defaults suit a finance team's receipts and recordings.
public struct UploadPolicy: Sendable {
    /// The largest video (mp4, mov).
    public var maximumVideoSize: Int64 = 5 << 30
    /// The largest file of any other type.
    public var maximumOtherSize: Int64 = 200 << 20
    /// How long a signed upload URL stays valid.
    public var urlLifetime: TimeInterval = 15 * 60
    /// The slowest average upload rate tolerated once ``rateGracePeriod`` has passed: a
    /// client trickling bytes cannot hold a connection and a staging file for hours.
    public var minimumBytesPerSecond: Int64 = 16 << 10
    public var rateGracePeriod: TimeInterval = 30

    public init() {}

    /// The largest size accepted for files of `type`.
    public func maximumSize(for type: FileType) -> Int64 {
        type.category == .video ? maximumVideoSize : maximumOtherSize
    }
}
