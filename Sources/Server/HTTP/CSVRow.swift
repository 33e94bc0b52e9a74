import Foundation

/// One line of RFC 4180 CSV: fields joined by commas, quoted when they hold a comma, quote
/// or line break (quotes doubled), ended by CRLF. Free text a user typed is also defused
/// for spreadsheets: a leading `=`, `+`, `-`, `@`, tab or CR would start a formula, so such
/// a field gets a leading `'` (OWASP's advice on CSV injection).
struct CSVRow {
    var fields: [String] = []

    init(_ fields: [String]) {
        self.fields = fields
    }

    /// A field the system wrote (ids, numbers, dates): kept as it is.
    mutating func append(_ field: String) {
        fields.append(field)
    }

    /// A field a person typed (memos, references): defused against formulas.
    mutating func append(text: String?) {
        guard let text else { return fields.append("") }
        let starters: Set<Character> = ["=", "+", "-", "@", "\t", "\r"]
        fields.append(text.first.map(starters.contains) == true ? "'" + text : text)
    }

    var line: String {
        fields.map(Self.quoted).joined(separator: ",") + "\r\n"
    }

    private static func quoted(_ field: String) -> String {
        guard field.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" }) else { return field }
        return "\"" + field.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }
}
