public import Foundation
import Database
import PostgresNIO

/// Events laid out as one array per column, for a single `INSERT ... SELECT FROM unnest(...)`
/// however many there are. A missing key id travels as ``AuditColumns/noKey`` and a
/// missing request id as "", both turned back into NULL by the statement.
public struct AuditColumns: Sendable {
    /// Stands for "no key" in ``keyIDs`` (arrays of optionals do not bind).
    public static let noKey = UUID(uuid: (0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0))

    public let tenantIDs: [UUID]
    public let actions: [String]
    public let subjectTypes: [String]
    public let subjectIDs: [String]
    public let keyIDs: [UUID]
    public let requestIDs: [String]
    /// Each event's details as a JSON object's text, cast to jsonb by the statement.
    public let details: [String]

    public init(_ events: [AuditEvent]) {
        tenantIDs = events.map(\.tenantID)
        actions = events.map(\.action)
        subjectTypes = events.map(\.subjectType)
        subjectIDs = events.map(\.subjectID)
        keyIDs = events.map { $0.actor.keyID ?? Self.noKey }
        requestIDs = events.map { $0.actor.requestID ?? "" }
        details = events.map(Self.json)
    }

    public var isEmpty: Bool { tenantIDs.isEmpty }

    /// The details as a JSON object with sorted keys, written by hand (``JSONBytes``): a
    /// posting batch writes one per transaction inside the posting runner, where
    /// Foundation's encoder cost a twentieth of the server's CPU. The database stores it
    /// as jsonb, and the chain hashes jsonb's own text of it.
    static func json(_ event: AuditEvent) -> String {
        var json = JSONBytes(capacity: 96)
        json.raw("{")
        for (index, detail) in event.details.sorted(by: { $0.key < $1.key }).enumerated() {
            if index > 0 { json.raw(",") }
            json.string(detail.key)
            json.raw(":")
            json.string(detail.value)
        }
        json.raw("}")
        return String(decoding: json.bytes, as: UTF8.self)
    }
}
