/// A `Range: bytes=...` header resolved against a representation's size (RFC 9110 §14.1.2):
/// `first-last`, `first-` (to the end) and `-suffix` (the LAST n bytes), comma-separated.
public enum ByteRangeRequest: Equatable, Sendable {
    /// No usable Range header: serve the whole representation (a header with another unit,
    /// bad syntax or too many ranges is ignored, as RFC 9110 allows).
    case whole
    /// The ranges to send: in the order asked, or sorted and merged when any overlap or touch.
    case ranges([ClosedRange<Int64>])
    /// Well-formed, but no range overlaps the representation: 416.
    case unsatisfiable

    /// More ranges than this in one request are ignored (the whole representation is sent):
    /// many small ranges cost the server far more than they save the client.
    public static let maximumRanges = 16

    public init(header: String?, size: Int64) {
        guard let header else {
            self = .whole
            return
        }
        let trimmed = header.trimmingOWS()
        guard let equals = trimmed.firstIndex(of: "="), trimmed[..<equals].trimmingOWS().lowercased() == "bytes" else {
            self = .whole
            return
        }
        let specs = trimmed[trimmed.index(after: equals)...].split(separator: ",").map { $0.trimmingOWS() }.filter { !$0.isEmpty }
        guard !specs.isEmpty, specs.count <= Self.maximumRanges else {
            self = .whole
            return
        }
        var satisfiable: [ClosedRange<Int64>] = []
        for spec in specs {
            guard let parsed = Spec(spec) else {
                self = .whole
                return
            }
            if let range = parsed.resolved(size: size) { satisfiable.append(range) }
        }
        self = satisfiable.isEmpty ? .unsatisfiable : .ranges(Self.merged(satisfiable))
    }

    /// One range as written.
    enum Spec {
        case from(Int64, through: Int64?)
        case suffix(Int64)

        init?(_ text: Substring) {
            guard let dash = text.firstIndex(of: "-") else { return nil }
            let first = text[..<dash], last = text[text.index(after: dash)...]
            if first.isEmpty {
                guard let length = Self.number(last) else { return nil }
                self = .suffix(length)
                return
            }
            guard let start = Self.number(first) else { return nil }
            if last.isEmpty {
                self = .from(start, through: nil)
                return
            }
            guard let end = Self.number(last), end >= start else { return nil }
            self = .from(start, through: end)
        }

        /// The bytes it names in a representation of `size` bytes, or nil when none.
        func resolved(size: Int64) -> ClosedRange<Int64>? {
            switch self {
            case .from(let first, let last):
                guard first < size else { return nil }
                return first...min(last ?? (size - 1), size - 1)
            case .suffix(let length):
                guard length > 0, size > 0 else { return nil }
                return max(0, size - length)...(size - 1)
            }
        }

        /// 1 to 18 ASCII digits (no sign, no spaces), so it always fits an Int64.
        static func number(_ text: Substring) -> Int64? {
            guard (1...18).contains(text.utf8.count), text.utf8.allSatisfy({ (0x30...0x39).contains($0) }) else { return nil }
            return Int64(text)
        }
    }

    /// The ranges as asked when they are disjoint; else sorted, with overlapping and
    /// adjacent ones merged (RFC 9110 lets a server coalesce them).
    static func merged(_ ranges: [ClosedRange<Int64>]) -> [ClosedRange<Int64>] {
        let sorted = ranges.sorted { $0.lowerBound < $1.lowerBound }
        var result: [ClosedRange<Int64>] = []
        for range in sorted {
            if let last = result.last, range.lowerBound <= last.upperBound + 1 {
                result[result.count - 1] = last.lowerBound...max(last.upperBound, range.upperBound)
            } else {
                result.append(range)
            }
        }
        return result.count == ranges.count ? ranges : result
    }
}

extension StringProtocol {
    /// Without the spaces and tabs HTTP allows around values (OWS).
    func trimmingOWS() -> Substring {
        var text = Substring(self)
        while let first = text.first, first == " " || first == "\t" { text.removeFirst() }
        while let last = text.last, last == " " || last == "\t" { text.removeLast() }
        return text
    }
}
