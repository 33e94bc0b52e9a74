/// Splits a SQL file into statements, since PostgresNIO sends one statement per query.
///
/// Semicolons inside 'strings', "identifiers", $tag$ dollar-quoted bodies $tag$ (trigger
/// functions), -- line comments and /* block comments */ do not end a statement.
/// Statements that hold only comments and white space are dropped.
enum SQLScript {
    static func statements(in script: String) -> [String] {
        let characters = Array(script)
        var statements: [String] = []
        var current = ""
        var hasCode = false
        var index = 0

        func take(until end: Int) {
            current += String(characters[index..<min(end, characters.count)])
            index = min(end, characters.count)
        }
        func find(_ needle: [Character], from start: Int) -> Int? {
            guard needle.count <= characters.count else { return nil }
            var position = start
            while position + needle.count <= characters.count {
                if Array(characters[position..<position + needle.count]) == needle { return position }
                position += 1
            }
            return nil
        }

        while index < characters.count {
            let character = characters[index]
            let next = index + 1 < characters.count ? characters[index + 1] : nil
            switch character {
            case "-" where next == "-":
                let end = characters[index...].firstIndex(of: "\n") ?? characters.count
                take(until: end)
            case "/" where next == "*":
                take(until: (find(["*", "/"], from: index + 2) ?? characters.count) + 2)
            case "'", "\"":
                hasCode = true
                var position = index + 1
                while position < characters.count {
                    if characters[position] == character {
                        if position + 1 < characters.count, characters[position + 1] == character {
                            position += 2
                            continue
                        }
                        break
                    }
                    position += 1
                }
                take(until: position + 1)
            case "$":
                hasCode = true
                var position = index + 1
                while position < characters.count, characters[position].isLetter || characters[position].isNumber || characters[position] == "_" {
                    position += 1
                }
                if position < characters.count, characters[position] == "$" {
                    let tag = Array(characters[index...position])
                    let close = find(tag, from: position + 1) ?? characters.count
                    take(until: close + tag.count)
                } else {
                    take(until: index + 1)
                }
            case ";":
                index += 1
                if hasCode { statements.append(current.trimmingWhitespace()) }
                current = ""
                hasCode = false
            default:
                if !character.isWhitespace { hasCode = true }
                take(until: index + 1)
            }
        }
        if hasCode { statements.append(current.trimmingWhitespace()) }
        return statements
    }
}

extension String {
    fileprivate func trimmingWhitespace() -> String {
        let start = firstIndex { !$0.isWhitespace } ?? endIndex
        let end = lastIndex { !$0.isWhitespace }.map(index(after:)) ?? start
        return String(self[start..<end])
    }
}
