/// How to answer a GET or HEAD of a representation (RFC 9110 §13.2.2 and §14): the
/// status, the header fields, and which bytes to send. Pure: it reads no bytes, so it is
/// tested case by case and the HTTP layer only carries it out.
public struct ReadPlan: Equatable, Sendable {
    public enum Body: Equatable, Sendable {
        /// No content (HEAD, 304, 412, 416).
        case none
        /// All the bytes.
        case whole
        /// One range.
        case range(ClosedRange<Int64>)
        /// Several ranges as `multipart/byteranges`: each part's header text, then its bytes,
        /// then `closing` after the last.
        case multipart(parts: [(header: String, range: ClosedRange<Int64>)], closing: String)

        public static func == (lhs: Body, rhs: Body) -> Bool {
            switch (lhs, rhs) {
            case (.none, .none), (.whole, .whole): true
            case (.range(let a), .range(let b)): a == b
            case (.multipart(let a, let x), .multipart(let b, let y)):
                x == y && a.count == b.count && zip(a, b).allSatisfy { $0.header == $1.header && $0.range == $1.range }
            default: false
            }
        }
    }

    public let status: Int
    /// Header fields in order (Content-Length included when there is content).
    public let headers: [(name: String, value: String)]
    public let body: Body

    public static func == (lhs: ReadPlan, rhs: ReadPlan) -> Bool {
        lhs.status == rhs.status && lhs.body == rhs.body
            && lhs.headers.map { "\($0.name): \($0.value)" } == rhs.headers.map { "\($0.name): \($0.value)" }
    }

    /// The value of a header field, if the plan has it.
    public func header(_ name: String) -> String? {
        headers.first { $0.name.lowercased() == name.lowercased() }?.value
    }

    /// The plan for `request` on `representation`; `boundary` separates multipart parts.
    public init(_ request: ReadRequest, for representation: Representation, boundary: String) {
        let validators = representation.validators
        switch Preconditions.evaluate(request, representation) {
        case .preconditionFailed:
            self.init(status: 412, headers: validators, body: .none)
            return
        case .notModified:
            self.init(status: 304, headers: validators, body: .none)
            return
        case .proceed(let honoursRange):
            let base = validators + [("Accept-Ranges", "bytes")]
            let size = representation.size
            switch honoursRange ? ByteRangeRequest(header: request.range, size: size) : .whole {
            case .whole:
                self.init(status: 200, headers: base + [("Content-Type", representation.contentType), ("Content-Length", String(size))],
                          body: request.isHead ? .none : .whole)
            case .unsatisfiable:
                self.init(status: 416, headers: base + [("Content-Range", "bytes */\(size)"), ("Content-Length", "0")], body: .none)
            case .ranges(let ranges) where ranges.count == 1:
                let range = ranges[0]
                self.init(status: 206, headers: base + [
                    ("Content-Type", representation.contentType), ("Content-Range", "bytes \(range.lowerBound)-\(range.upperBound)/\(size)"),
                    ("Content-Length", String(range.count)),
                ], body: request.isHead ? .none : .range(range))
            case .ranges(let ranges):
                let parts = ranges.map { range in
                    (header: "\r\n--\(boundary)\r\nContent-Type: \(representation.contentType)\r\nContent-Range: bytes \(range.lowerBound)-\(range.upperBound)/\(size)\r\n\r\n",
                     range: range)
                }
                let closing = "\r\n--\(boundary)--\r\n"
                let length = parts.reduce(Int64(closing.utf8.count)) { $0 + Int64($1.header.utf8.count) + Int64($1.range.count) }
                self.init(status: 206, headers: base + [
                    ("Content-Type", "multipart/byteranges; boundary=\(boundary)"), ("Content-Length", String(length)),
                ], body: request.isHead ? .none : .multipart(parts: parts, closing: closing))
            }
        }
    }

    init(status: Int, headers: [(name: String, value: String)], body: Body) {
        self.status = status
        self.headers = headers
        self.body = body
    }
}

/// RFC 9110 §13.2.2: the order in which a server evaluates preconditions.
enum Preconditions {
    enum Outcome: Equatable {
        case preconditionFailed
        case notModified
        /// Go on; `honoursRange` is false when If-Range does not hold (send the whole).
        case proceed(honoursRange: Bool)
    }

    static func evaluate(_ request: ReadRequest, _ representation: Representation) -> Outcome {
        let current = representation.entityTag
        if let ifMatch = request.ifMatch {
            guard EntityTagCondition(ifMatch).matches(current, strongly: true) else { return .preconditionFailed }
        } else if let text = request.ifUnmodifiedSince, let date = HTTPDate.parse(text), representation.lastModified > date {
            return .preconditionFailed
        }
        if let ifNoneMatch = request.ifNoneMatch {
            // GET and HEAD only (the origin serves nothing else): a match is 304.
            if EntityTagCondition(ifNoneMatch).matches(current, strongly: false) { return .notModified }
        } else if let text = request.ifModifiedSince, let date = HTTPDate.parse(text), representation.lastModified <= date {
            return .notModified
        }
        guard request.range != nil, let ifRange = request.ifRange?.trimmingOWS() else { return .proceed(honoursRange: true) }
        if ifRange.hasPrefix("\"") || ifRange.hasPrefix("W/") {
            // Only a strong tag can validate a range; a weak one never does.
            guard case .tags(let tags) = EntityTagCondition(String(ifRange)), tags.count == 1 else { return .proceed(honoursRange: false) }
            return .proceed(honoursRange: tags[0].strongly(matches: current))
        }
        // A date validates only when it is exactly the representation's last modification.
        return .proceed(honoursRange: HTTPDate.parse(String(ifRange)) == representation.lastModified)
    }
}
