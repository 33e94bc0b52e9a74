/// An entity tag (RFC 9110 §8.8.3): an opaque quoted string, weak when prefixed `W/`.
public struct EntityTag: Equatable, Sendable, CustomStringConvertible {
    /// The characters between the quotes.
    public let opaque: String
    public let isWeak: Bool

    public init(opaque: String, isWeak: Bool = false) {
        self.opaque = opaque
        self.isWeak = isWeak
    }

    public var description: String { (isWeak ? "W/" : "") + "\"" + opaque + "\"" }

    /// Strong comparison: neither weak, same characters (If-Match, If-Range).
    public func strongly(matches other: EntityTag) -> Bool {
        !isWeak && !other.isWeak && opaque == other.opaque
    }

    /// Weak comparison: same characters, weakness aside (If-None-Match).
    public func weakly(matches other: EntityTag) -> Bool {
        opaque == other.opaque
    }
}

/// The value of If-Match or If-None-Match: `*` or a list of entity tags.
enum EntityTagCondition: Equatable {
    case any
    case tags([EntityTag])
    /// Unparseable: the condition is treated as not matching anything.
    case invalid

    init(_ header: String) {
        let trimmed = header.trimmingOWS()
        if trimmed == "*" {
            self = .any
            return
        }
        var tags: [EntityTag] = []
        var rest = Substring(trimmed)
        while true {
            rest = rest.drop { $0 == " " || $0 == "\t" || $0 == "," }
            if rest.isEmpty { break }
            guard let (tag, remainder) = Self.tag(at: rest) else {
                self = .invalid
                return
            }
            tags.append(tag)
            rest = remainder
        }
        self = tags.isEmpty ? .invalid : .tags(tags)
    }

    /// One tag at the start of `text` and what follows it.
    static func tag(at text: Substring) -> (EntityTag, Substring)? {
        var rest = text
        let isWeak = rest.hasPrefix("W/")
        if isWeak { rest = rest.dropFirst(2) }
        guard rest.first == "\"" else { return nil }
        rest = rest.dropFirst()
        guard let close = rest.firstIndex(of: "\"") else { return nil }
        let opaque = rest[..<close]
        // etagc: visible ASCII but the quote, or obs-text.
        guard opaque.unicodeScalars.allSatisfy({ $0.value == 0x21 || (0x23...0x7E).contains($0.value) || $0.value >= 0x80 }) else { return nil }
        return (EntityTag(opaque: String(opaque), isWeak: isWeak), rest[rest.index(after: close)...])
    }

    func matches(_ current: EntityTag, strongly: Bool) -> Bool {
        switch self {
        case .any: true
        case .invalid: false
        case .tags(let tags): tags.contains { strongly ? $0.strongly(matches: current) : $0.weakly(matches: current) }
        }
    }
}
