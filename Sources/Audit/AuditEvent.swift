public import Foundation

/// One write as the audit log records it: what was done (`action`, e.g.
/// `transaction.posted`), to what (`subjectType`, `subjectID` as the API shows it), by whom,
/// and a few facts about it. Details are flat strings so they hash the same everywhere.
public struct AuditEvent: Sendable, Equatable {
    public var tenantID: UUID
    public var action: String
    public var subjectType: String
    public var subjectID: String
    public var actor: AuditActor
    public var details: [String: String]

    public init(tenantID: UUID, action: String, subjectType: String, subjectID: String, actor: AuditActor, details: [String: String] = [:]) {
        self.tenantID = tenantID
        self.action = action
        self.subjectType = subjectType
        self.subjectID = subjectID
        self.actor = actor
        self.details = details
    }
}
