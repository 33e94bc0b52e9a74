import Foundation
@testable import Server
import Testing

/// The signed URLs' query decoding agrees with Foundation's percent-decoding on every
/// case, the malformed ones included (nil: the pair is kept raw and fails its signature).
@Suite struct QueryStringTests {
    @Test(arguments: [
        "", "plain", "fil_0123abcd", "a%20b", "%E2%82%AC", "inline%3B%20x", "a+b", "%2B", "%zz", "%4", "%", "x%", "%C3%28",
        "%00", "caf%C3%A9", "%e2%82%ac", "100%25", "%%41",
    ])
    func decodesAsFoundationDoes(text: String) {
        #expect(QueryString.percentDecoded(Substring(text)) == text.removingPercentEncoding)
    }

    @Test func pairsKeepTheirOrderAndRawFormWhenMalformed() {
        let pairs = QueryString.decoded("b=2&a=%41&bad=%zz&empty=&flag")
        #expect(pairs.map(\.name) == ["b", "a", "bad", "empty", "flag"])
        #expect(pairs.map(\.value) == ["2", "A", "%zz", "", ""])
        #expect(QueryString.decoded(nil).isEmpty && QueryString.decoded("").isEmpty)
    }
}
