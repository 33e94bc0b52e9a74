/// What the origin knows of the bytes it serves: enough to answer validators and ranges
/// without reading them.
public struct Representation: Sendable, Equatable {
    public let size: Int64
    /// Strong: Grey's bytes are content-addressed, so the tag is their SHA-256.
    public let entityTag: EntityTag
    /// Seconds since 1970.
    public let lastModified: Int64
    public let contentType: String
    /// The `ETag` and `Last-Modified` fields, written once: a representation kept for many
    /// reads (the origin's direct answers) then formats no date per read.
    let validators: [(name: String, value: String)]

    public init(size: Int64, entityTag: EntityTag, lastModified: Int64, contentType: String) {
        self.size = size
        self.entityTag = entityTag
        self.lastModified = lastModified
        self.contentType = contentType
        validators = [("ETag", entityTag.description), ("Last-Modified", HTTPDate.format(lastModified))]
    }

    public static func == (lhs: Representation, rhs: Representation) -> Bool {
        lhs.size == rhs.size && lhs.entityTag == rhs.entityTag && lhs.lastModified == rhs.lastModified && lhs.contentType == rhs.contentType
    }
}

/// The request fields a read depends on (names as in RFC 9110; nil when absent).
public struct ReadRequest: Sendable {
    public var isHead: Bool
    public var range: String?
    public var ifMatch: String?
    public var ifNoneMatch: String?
    public var ifModifiedSince: String?
    public var ifUnmodifiedSince: String?
    public var ifRange: String?

    public init(
        isHead: Bool = false, range: String? = nil, ifMatch: String? = nil, ifNoneMatch: String? = nil,
        ifModifiedSince: String? = nil, ifUnmodifiedSince: String? = nil, ifRange: String? = nil
    ) {
        self.isHead = isHead
        self.range = range
        self.ifMatch = ifMatch
        self.ifNoneMatch = ifNoneMatch
        self.ifModifiedSince = ifModifiedSince
        self.ifUnmodifiedSince = ifUnmodifiedSince
        self.ifRange = ifRange
    }
}
