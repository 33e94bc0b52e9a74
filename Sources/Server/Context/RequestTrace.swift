import Synchronization

/// What inner layers learn about a request that the outer ones report: contexts are
/// values passed inward, so this box carries facts back out to the access log.
public final class RequestTrace: Sendable {
    private let state = Mutex<(tenant: String?, keyID: String?)>((nil, nil))

    public init() {}

    public var tenant: String? { state.withLock { $0.tenant } }
    public var keyID: String? { state.withLock { $0.keyID } }

    func record(tenant: String, keyID: String) {
        state.withLock { $0 = (tenant, keyID) }
    }
}
