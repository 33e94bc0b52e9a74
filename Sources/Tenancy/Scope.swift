/// What an API key may do.
public enum Scope: String, Sendable, CaseIterable, Codable, Comparable {
    case ledgerRead = "ledger:read"
    case ledgerWrite = "ledger:write"
    case filesRead = "files:read"
    case filesWrite = "files:write"

    public static func < (lhs: Scope, rhs: Scope) -> Bool {
        lhs.rawValue < rhs.rawValue
    }

    /// Reads a comma- or space-separated list; nil names the first unknown scope.
    public static func parseList(_ text: String) -> Result<Set<Scope>, UnknownScope> {
        var scopes: Set<Scope> = []
        for word in text.split(whereSeparator: { $0 == "," || $0 == " " }) {
            guard let scope = Scope(rawValue: String(word)) else { return .failure(UnknownScope(name: String(word))) }
            scopes.insert(scope)
        }
        return .success(scopes)
    }
}

/// A scope name Grey does not know.
public struct UnknownScope: Error, CustomStringConvertible {
    public let name: String
    public var description: String {
        "unknown scope '\(name)'; known scopes: \(Scope.allCases.map(\.rawValue).joined(separator: ", "))"
    }
}
