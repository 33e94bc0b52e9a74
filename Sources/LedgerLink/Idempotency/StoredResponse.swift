/// A response kept under an Idempotency-Key and replayed byte for byte.
public struct StoredResponse: Sendable, Hashable {
    public let status: Int
    public let body: [UInt8]

    public init(status: Int, body: [UInt8]) {
        self.status = status
        self.body = body
    }
}
