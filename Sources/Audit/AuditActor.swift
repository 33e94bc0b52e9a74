public import Foundation

/// Who a write is recorded against: the API key that made the request and the request's
/// id, or neither for what Grey does by itself or an operator does from the command line.
public struct AuditActor: Sendable, Equatable {
    public var keyID: UUID?
    public var requestID: String?

    public init(keyID: UUID?, requestID: String?) {
        self.keyID = keyID
        self.requestID = requestID.map { String($0.prefix(128)) }
    }

    /// Grey itself or an operator's command: no key, no request.
    public static let system = AuditActor(keyID: nil, requestID: nil)
}
