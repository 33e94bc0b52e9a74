import Database

/// URL query strings, as the signed URLs read them.
enum QueryString {
    /// A query string's pairs, percent-decoded, in order; a pair that does not decode is
    /// kept raw (and then fails the signature).
    static func decoded(_ query: String?) -> [(name: String, value: String)] {
        guard let query, !query.isEmpty else { return [] }
        return query.split(separator: "&", omittingEmptySubsequences: false).map { pair in
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            let name = parts[0]
            let value = parts.count > 1 ? parts[1] : ""
            return (PercentEncoding.decode(name) ?? String(name), PercentEncoding.decode(value) ?? String(value))
        }
    }
}
