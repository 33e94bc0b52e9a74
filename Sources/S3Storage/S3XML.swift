import Foundation

/// The few values Grey reads from S3's XML answers, found by their element names. Not an
/// XML parser: it reads only flat text elements (`<Key>`, `<UploadId>`, `<Code>`, …),
/// which S3 never nests, and decodes the five predefined entities and character references.
enum S3XML {
    /// The text of every `<name>…</name>` in `document`, in order.
    static func values(of name: String, in document: String) -> [String] {
        let open = "<\(name)>"
        let close = "</\(name)>"
        var values: [String] = []
        var rest = document[...]
        while let start = rest.range(of: open) {
            guard let end = rest[start.upperBound...].range(of: close) else { break }
            values.append(decode(rest[start.upperBound..<end.lowerBound]))
            rest = rest[end.upperBound...]
        }
        return values
    }

    /// The text of the first `<name>…</name>`, or nil.
    static func value(of name: String, in document: String) -> String? {
        values(of: name, in: document).first
    }

    /// `text` with its entity and character references replaced; an unknown one stays as is.
    static func decode(_ text: Substring) -> String {
        guard text.contains("&") else { return String(text) }
        var decoded = ""
        var rest = text
        while let ampersand = rest.firstIndex(of: "&") {
            decoded += rest[..<ampersand]
            guard let semicolon = rest[ampersand...].firstIndex(of: ";"),
                rest.distance(from: ampersand, to: semicolon) <= 10,
                let character = character(for: rest[rest.index(after: ampersand)..<semicolon])
            else {
                decoded.append("&")
                rest = rest[rest.index(after: ampersand)...]
                continue
            }
            decoded.append(character)
            rest = rest[rest.index(after: semicolon)...]
        }
        return decoded + rest
    }

    /// `text` with the characters XML gives meaning to escaped.
    static func escape(_ text: String) -> String {
        var escaped = ""
        for character in text {
            switch character {
            case "&": escaped += "&amp;"
            case "<": escaped += "&lt;"
            case ">": escaped += "&gt;"
            case "\"": escaped += "&quot;"
            case "'": escaped += "&apos;"
            default: escaped.append(character)
            }
        }
        return escaped
    }

    private static func character(for reference: Substring) -> Character? {
        switch reference {
        case "amp": return "&"
        case "lt": return "<"
        case "gt": return ">"
        case "quot": return "\""
        case "apos": return "'"
        default:
            guard reference.hasPrefix("#") else { return nil }
            let digits = reference.dropFirst()
            let value = digits.hasPrefix("x") ? UInt32(digits.dropFirst(), radix: 16) : UInt32(digits, radix: 10)
            return value.flatMap(Unicode.Scalar.init).map(Character.init)
        }
    }
}
