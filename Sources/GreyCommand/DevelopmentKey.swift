import Foundation
import Tenancy

/// The key `make run` prints: made once per data directory for the tenant `development`
/// and kept in `<data>/development-api-key` (mode 0600) so restarts print the same key.
/// Only the embedded (development) database gets one.
struct DevelopmentKey: Sendable {
    static let tenant = "development"

    let dataDirectory: String

    var path: String { dataDirectory + "/development-api-key" }

    /// The saved key while it is still valid; otherwise a new one, saved.
    func ensure(keys: APIKeyStore) async throws -> String {
        if let saved = try? String(contentsOfFile: path, encoding: .utf8).trimmingCharacters(in: .whitespacesAndNewlines),
            try await keys.authenticate(bearer: saved) != nil
        {
            return saved
        }
        let issued = try await keys.create(tenantName: Self.tenant)
        // A key that cannot be saved still works for this run.
        _ = FileManager.default.createFile(atPath: path, contents: Data((issued.token + "\n").utf8), attributes: [.posixPermissions: 0o600])
        return issued.token
    }
}
