/// Where a blob of a ``TieredBlobStore`` is kept: the hot tier serves every new blob and
/// the previews; the cold tier takes originals the lifecycle moved out.
public enum BlobTier: String, Sendable, CaseIterable {
    case hot
    case cold
}
