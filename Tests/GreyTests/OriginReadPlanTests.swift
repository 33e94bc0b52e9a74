import Origin
import Testing

/// RFC 9110 reads, case by case: ranges in every form, several ranges, 416, 304, 412,
/// If-Range, HEAD, a zero-byte representation. Each case is a request and the answer the
/// RFC asks for.
@Suite struct OriginReadPlanTests {
    /// 1,000 bytes, tag "abc", modified Sun, 06 Nov 1994 08:49:37 GMT.
    static let modified = HTTPDate.parse("Sun, 06 Nov 1994 08:49:37 GMT")!
    static let file = Representation(size: 1000, entityTag: EntityTag(opaque: "abc"), lastModified: modified, contentType: "video/mp4")
    static let empty = Representation(size: 0, entityTag: EntityTag(opaque: "e3b0"), lastModified: modified, contentType: "image/png")

    struct Case: CustomTestStringConvertible, Sendable {
        let name: String
        let request: ReadRequest
        var representation = OriginReadPlanTests.file
        let status: Int
        /// The single range sent, or the parts of a multipart answer, or nil for the whole.
        var ranges: [ClosedRange<Int64>]? = nil
        var contentRange: String? = nil
        var hasBody = true
        var testDescription: String { name }
    }

    static let earlier = "Sat, 05 Nov 1994 08:49:37 GMT"
    static let later = "Mon, 07 Nov 1994 08:49:37 GMT"
    static let exact = "Sun, 06 Nov 1994 08:49:37 GMT"

    static let cases: [Case] = [
        Case(name: "plain GET", request: .init(), status: 200),
        Case(name: "HEAD: headers, no body", request: .init(isHead: true), status: 200, hasBody: false),
        Case(name: "first-last", request: .init(range: "bytes=0-99"), status: 206, ranges: [0...99], contentRange: "bytes 0-99/1000"),
        Case(name: "one byte", request: .init(range: "bytes=0-0"), status: 206, ranges: [0...0], contentRange: "bytes 0-0/1000"),
        Case(name: "open-ended", request: .init(range: "bytes=100-"), status: 206, ranges: [100...999], contentRange: "bytes 100-999/1000"),
        Case(name: "suffix is the LAST n bytes", request: .init(range: "bytes=-100"), status: 206, ranges: [900...999], contentRange: "bytes 900-999/1000"),
        Case(name: "suffix longer than the file", request: .init(range: "bytes=-2000"), status: 206, ranges: [0...999], contentRange: "bytes 0-999/1000"),
        Case(name: "last past the end is clipped", request: .init(range: "bytes=990-2000"), status: 206, ranges: [990...999], contentRange: "bytes 990-999/1000"),
        Case(name: "first past the end: 416", request: .init(range: "bytes=1000-1100"), status: 416, contentRange: "bytes */1000", hasBody: false),
        Case(name: "zero-length suffix: 416", request: .init(range: "bytes=-0"), status: 416, contentRange: "bytes */1000", hasBody: false),
        Case(name: "no range satisfiable: 416", request: .init(range: "bytes=1000-,2000-3000"), status: 416, contentRange: "bytes */1000", hasBody: false),
        Case(name: "one of two satisfiable", request: .init(range: "bytes=0-9,5000-"), status: 206, ranges: [0...9], contentRange: "bytes 0-9/1000"),
        Case(name: "two ranges: multipart", request: .init(range: "bytes=0-9,20-29"), status: 206, ranges: [0...9, 20...29]),
        Case(name: "ranges kept in the order asked", request: .init(range: "bytes=500-,0-9"), status: 206, ranges: [500...999, 0...9]),
        Case(name: "spaces around ranges", request: .init(range: "bytes= 0-9 , 20-29"), status: 206, ranges: [0...9, 20...29]),
        Case(name: "overlapping ranges merged", request: .init(range: "bytes=0-9,5-19"), status: 206, ranges: [0...19], contentRange: "bytes 0-19/1000"),
        Case(name: "adjacent ranges merged", request: .init(range: "bytes=10-19,0-9,100-109"), status: 206, ranges: [0...19, 100...109]),
        Case(name: "too many ranges: the whole", request: .init(range: "bytes=" + (0..<17).map { "\($0 * 10)-\($0 * 10 + 1)" }.joined(separator: ",")), status: 200),
        Case(name: "last before first: ignored", request: .init(range: "bytes=9-0"), status: 200),
        Case(name: "another unit: ignored", request: .init(range: "items=0-9"), status: 200),
        Case(name: "garbage: ignored", request: .init(range: "bytes=abc"), status: 200),
        Case(name: "If-None-Match the tag: 304", request: .init(ifNoneMatch: "\"abc\""), status: 304, hasBody: false),
        Case(name: "If-None-Match compares weakly", request: .init(ifNoneMatch: "W/\"abc\""), status: 304, hasBody: false),
        Case(name: "If-None-Match *: 304", request: .init(ifNoneMatch: "*"), status: 304, hasBody: false),
        Case(name: "If-None-Match in a list", request: .init(ifNoneMatch: "\"x\", \"abc\""), status: 304, hasBody: false),
        Case(name: "If-None-Match another tag: 200", request: .init(ifNoneMatch: "\"other\""), status: 200),
        Case(name: "If-Modified-Since the same time: 304", request: .init(ifModifiedSince: exact), status: 304, hasBody: false),
        Case(name: "If-Modified-Since later: 304", request: .init(ifModifiedSince: later), status: 304, hasBody: false),
        Case(name: "If-Modified-Since earlier: 200", request: .init(ifModifiedSince: earlier), status: 200),
        Case(name: "If-Modified-Since in RFC 850 form", request: .init(ifModifiedSince: "Sunday, 06-Nov-94 08:49:37 GMT"), status: 304, hasBody: false),
        Case(name: "If-Modified-Since in asctime form", request: .init(ifModifiedSince: "Sun Nov  6 08:49:37 1994"), status: 304, hasBody: false),
        Case(name: "If-Modified-Since not a date: ignored", request: .init(ifModifiedSince: "yesterday"), status: 200),
        Case(name: "If-None-Match wins over If-Modified-Since", request: .init(ifNoneMatch: "\"other\"", ifModifiedSince: later), status: 200),
        Case(name: "If-Match the tag: 200", request: .init(ifMatch: "\"abc\""), status: 200),
        Case(name: "If-Match another tag: 412", request: .init(ifMatch: "\"other\""), status: 412, hasBody: false),
        Case(name: "If-Match compares strongly: 412", request: .init(ifMatch: "W/\"abc\""), status: 412, hasBody: false),
        Case(name: "If-Unmodified-Since earlier: 412", request: .init(ifUnmodifiedSince: earlier), status: 412, hasBody: false),
        Case(name: "If-Range the strong tag: the range", request: .init(range: "bytes=0-9", ifRange: "\"abc\""), status: 206, ranges: [0...9], contentRange: "bytes 0-9/1000"),
        Case(name: "If-Range a weak tag: the whole", request: .init(range: "bytes=0-9", ifRange: "W/\"abc\""), status: 200),
        Case(name: "If-Range a changed tag: the whole", request: .init(range: "bytes=0-9", ifRange: "\"changed\""), status: 200),
        Case(name: "If-Range the exact date: the range", request: .init(range: "bytes=0-9", ifRange: exact), status: 206, ranges: [0...9], contentRange: "bytes 0-9/1000"),
        Case(name: "If-Range another date: the whole", request: .init(range: "bytes=0-9", ifRange: later), status: 200),
        Case(name: "HEAD of a range", request: .init(isHead: true, range: "bytes=0-9"), status: 206, ranges: [0...9], contentRange: "bytes 0-9/1000", hasBody: false),
        Case(name: "zero-byte file", request: .init(), representation: empty, status: 200),
        Case(name: "zero-byte file, a range: 416", request: .init(range: "bytes=0-0"), representation: empty, status: 416, contentRange: "bytes */0", hasBody: false),
        Case(name: "zero-byte file, a suffix: 416", request: .init(range: "bytes=-5"), representation: empty, status: 416, contentRange: "bytes */0", hasBody: false),
    ]

    @Test(arguments: cases)
    func answersAsRFC9110Says(_ test: Case) throws {
        let plan = ReadPlan(test.request, for: test.representation, boundary: "grey-boundary")
        #expect(plan.status == test.status)
        #expect(plan.header("Content-Range") == test.contentRange)
        // Validators on every answer but 412-free cases alike; ranges offered on 200, 206, 416.
        #expect(plan.header("ETag") == test.representation.entityTag.description)
        #expect(plan.header("Last-Modified") == "Sun, 06 Nov 1994 08:49:37 GMT")
        if [200, 206, 416].contains(test.status) { #expect(plan.header("Accept-Ranges") == "bytes") }
        if [304, 412].contains(test.status) { #expect(plan.header("Content-Length") == nil) }
        switch (test.status, test.ranges?.count ?? 0) {
        case (200, _):
            #expect(plan.header("Content-Length") == String(test.representation.size))
            #expect(plan.body == (test.hasBody ? .whole : .none))
        case (206, 1):
            #expect(plan.header("Content-Length") == String(test.ranges![0].count))
            #expect(plan.body == (test.hasBody ? .range(test.ranges![0]) : .none))
        case (206, _):
            #expect(plan.header("Content-Type") == "multipart/byteranges; boundary=grey-boundary")
            guard case .multipart(let parts, let closing) = plan.body else {
                Issue.record("expected a multipart body")
                return
            }
            #expect(parts.map(\.range) == test.ranges!)
            #expect(parts[0].header.contains("Content-Range: bytes \(test.ranges![0].lowerBound)-\(test.ranges![0].upperBound)/1000\r\n"))
            #expect(parts.allSatisfy { $0.header.hasPrefix("\r\n--grey-boundary\r\nContent-Type: video/mp4\r\n") })
            #expect(closing == "\r\n--grey-boundary--\r\n")
            // Content-Length is exactly what is sent.
            let sent = parts.reduce(closing.utf8.count) { $0 + $1.header.utf8.count + Int($1.range.count) }
            #expect(plan.header("Content-Length") == String(sent))
        default:
            #expect(plan.body == .none)
        }
    }

    @Test func httpDatesRoundTrip() {
        #expect(HTTPDate.format(Self.modified) == "Sun, 06 Nov 1994 08:49:37 GMT")
        #expect(HTTPDate.format(0) == "Thu, 01 Jan 1970 00:00:00 GMT")
        #expect(HTTPDate.parse("Thu, 29 Feb 2024 23:59:59 GMT") == 1_709_251_199)
        #expect(HTTPDate.format(1_709_251_199) == "Thu, 29 Feb 2024 23:59:59 GMT")
        for bad in ["", "Sun, 06 Nov 1994 08:49:37 UTC", "Sun, 32 Nov 1994 08:49:37 GMT", "Sun, 06 Foo 1994 08:49:37 GMT", "Sun, 06 Nov 1994 25:00:00 GMT"] {
            #expect(HTTPDate.parse(bad) == nil, "\(bad)")
        }
    }
}
