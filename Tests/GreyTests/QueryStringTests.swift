import Database
import Foundation
@testable import Server
import Testing

/// Percent-encoding (URLs, file names, SigV4) and the signed URLs' query decoding agree
/// with Foundation's on every case, the malformed ones included (a value that does not
/// decode is kept raw and fails its signature).
@Suite struct QueryStringTests {
    @Test(arguments: [
        "", "plain", "fil_0123abcd", "a%20b", "%E2%82%AC", "inline%3B%20x", "a+b", "%2B", "%zz", "%4", "%", "x%", "%C3%28",
        "%00", "caf%C3%A9", "%e2%82%ac", "100%25", "%%41",
    ])
    func decodesAsFoundationDoes(text: String) {
        #expect(PercentEncoding.decode(text) == text.removingPercentEncoding)
    }

    /// Encoding is Foundation's with RFC 3986's unreserved set, upper-case hex.
    @Test(arguments: ["", "plain-name_1.~", "a b", "Reçu \"mars\".pdf", "a/b", "100%", "€𝄞👩‍💼", "\u{0}\n+&="])
    func encodesAsFoundationDoes(text: String) {
        let unreserved = CharacterSet(charactersIn: "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~")
        #expect(PercentEncoding.encode(text) == text.addingPercentEncoding(withAllowedCharacters: unreserved))
        #expect(PercentEncoding.decode(PercentEncoding.encode(text)) == text)
    }

    @Test func pairsKeepTheirOrderAndRawFormWhenMalformed() {
        let pairs = QueryString.decoded("b=2&a=%41&bad=%zz&empty=&flag")
        #expect(pairs.map(\.name) == ["b", "a", "bad", "empty", "flag"])
        #expect(pairs.map(\.value) == ["2", "A", "%zz", "", ""])
        #expect(QueryString.decoded(nil).isEmpty && QueryString.decoded("").isEmpty)
    }
}
