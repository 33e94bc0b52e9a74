extension StringProtocol {
    /// The text without leading and trailing spaces and tabs, the only whitespace HTTP
    /// allows around header values (RFC 9110 §5.6.3).
    func trimmingHTTPWhitespace() -> Substring {
        let text = self[...]
        let isWhitespace: (Character) -> Bool = { $0 == " " || $0 == "\t" }
        guard let first = text.firstIndex(where: { !isWhitespace($0) }), let last = text.lastIndex(where: { !isWhitespace($0) }) else {
            return Substring()
        }
        return Substring(text[first...last])
    }
}
