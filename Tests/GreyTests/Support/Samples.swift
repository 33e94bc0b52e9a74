import Foundation

/// The files of `samples/` and what `samples/manifest.tsv` says of each.
struct Sample: Sendable, CustomStringConvertible {
    let path: String
    let declaredType: String
    let size: Int
    let sha256: String
    /// `ok`, or the error code the file should provoke.
    let expected: String
    /// Measured facts of good samples (nil where the manifest says `-`).
    let width: Int?
    let height: Int?
    let durationMs: Int?
    let pages: Int?

    var filename: String { String(path.split(separator: "/").last!) }
    var description: String { path }

    var bytes: [UInt8] {
        get throws { Array(try Data(contentsOf: URL(fileURLWithPath: Self.folder + "/" + path))) }
    }

    /// The repository's `samples/` folder.
    static let folder: String = {
        var url = URL(fileURLWithPath: #filePath)
        while url.path != "/" && !FileManager.default.fileExists(atPath: url.appendingPathComponent("samples/manifest.tsv").path) {
            url.deleteLastPathComponent()
        }
        return url.appendingPathComponent("samples").path
    }()

    static let all: [Sample] = {
        guard let text = try? String(contentsOfFile: folder + "/manifest.tsv", encoding: .utf8) else { return [] }
        return text.split(separator: "\n").dropFirst().map { line in
            let fields = line.split(separator: "\t", omittingEmptySubsequences: false).map(String.init)
            return Sample(
                path: fields[0], declaredType: fields[1], size: Int(fields[2])!, sha256: fields[3], expected: fields[4],
                width: Int(fields[5]), height: Int(fields[6]), durationMs: Int(fields[7]), pages: Int(fields[8])
            )
        }
    }()

    static var good: [Sample] { all.filter { $0.expected == "ok" } }
    static func named(_ path: String) -> Sample { all.first { $0.path == path }! }
}
