import ArgumentParser
import Ingest
import S3Storage
import Storage

/// The cold blob tier and its lifecycle, from the environment: `GREY_COLD_STORE`
/// (`s3://BUCKET?endpoint=…`, with the same `GREY_S3_ACCESS_KEY` and `GREY_S3_SECRET_KEY`),
/// `GREY_COLD_AFTER_DAYS` (originals unread this long move, default 30) and
/// `GREY_HOT_CAPACITY` (the hot tier's bound in bytes, none by default).
struct ColdTierSettings {
    static let storeVariable = BlobStoreLocation.coldVariable
    static let afterDaysVariable = "GREY_COLD_AFTER_DAYS"
    static let hotCapacityVariable = "GREY_HOT_CAPACITY"

    let location: BlobStoreLocation
    let policy: BlobLifecycle.Policy

    /// The settings, or nil when `GREY_COLD_STORE` is unset or empty (one tier, as before).
    /// - Parameter hot: the hot store's location, whose encryption the cold tier shares.
    init?(environment: [String: String], hot: BlobStoreLocation) throws {
        guard let cold = try hot.coldTier(environment: environment) else { return nil }
        location = cold
        policy = try Self.policy(
            idleDays: environment[Self.afterDaysVariable], hotCapacity: environment[Self.hotCapacityVariable], defaults: BlobLifecycle.Policy()
        )
    }

    /// A policy from option or variable texts, `defaults` where they are nil or empty.
    static func policy(idleDays: String?, hotCapacity: String?, defaults: BlobLifecycle.Policy) throws -> BlobLifecycle.Policy {
        var policy = defaults
        if let text = idleDays, !text.isEmpty {
            guard let days = Int(text), (0...36_500).contains(days) else { throw ValidationError("the idle days must be a whole number from 0 to 36500, not '\(text)'") }
            policy.idleDays = days
        }
        if let text = hotCapacity, !text.isEmpty {
            guard let bytes = Int64(text), bytes >= 0 else { throw ValidationError("the hot capacity must be a number of bytes, not '\(text)'") }
            policy.hotCapacity = bytes
        }
        return policy
    }

    /// The hot store `hot` over this cold tier, `onRead` told of each read's tier.
    func tiered(over hot: any BlobStore, onRead: @escaping @Sendable (BlobTier) -> Void = { _ in }) throws -> TieredBlobStore {
        TieredBlobStore(hot: hot, cold: try location.open(), onRead: onRead)
    }
}
