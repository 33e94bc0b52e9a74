import Audit
import Foundation
import HTTPTypes
import Hummingbird
import LedgerLink
import Tenancy
import NIOCore

/// The path every money-moving POST takes: its Idempotency-Key, its body read once (for
/// the fingerprint and the decoding), the plan, then the posting queue. The response is
/// the one stored with the key, so a replay is the same bytes with
/// `Idempotent-Replayed: true`.
///
/// The router and the connection's direct answers (``DirectPostings``) run the same code:
/// both hand it a ``PostingCall``.
struct IdempotentPosting {
    let ledger: Ledger

    /// The router's answer to `request`.
    func respond<Input: Decodable>(
        to request: Request, context: TenantRequestContext, as input: Input.Type, plan: (Input) async throws -> PostingRequest
    ) async throws -> Response {
        try await respond(to: request, context: context) { call in try await post(call, as: input, plan: plan) }
    }

    /// The router's answer to `request`, which `post` answers once its body is read.
    func respond(
        to request: Request, context: TenantRequestContext, with post: (PostingCall) async throws -> PostingAnswer
    ) async throws -> Response {
        // Refused before the body is read, as ``post(_:as:plan:)`` would refuse them after.
        try context.require(.ledgerWrite)
        guard request.headers[.idempotencyKey] != nil else { throw Self.keyRequired }
        return try await post(PostingCall(request: request, context: context)).response
    }

    static let keyRequired = APIError(
        status: .badRequest, code: "idempotency_key_required", detail: "Money-moving requests need an Idempotency-Key header."
    )

    func post<Input: Decodable>(
        _ call: PostingCall, as input: Input.Type, plan: (Input) async throws -> PostingRequest
    ) async throws -> PostingAnswer {
        try call.apiKey.require(.ledgerWrite)
        guard let key = call.idempotencyKey else { throw Self.keyRequired }
        let fingerprint = IdempotentRequest.fingerprint(method: "POST", path: call.path, body: call.body.readableBytesView)
        let requestID = call.requestID
        guard let idempotency = IdempotentRequest(key: key, fingerprint: fingerprint, render: { Self.render($0, requestID: requestID) }) else {
            throw APIError.invalidRequest("The Idempotency-Key must be 1 to 255 printable ASCII characters.")
        }
        // An empty body reads as `{}`: a reversal needs no fields.
        let input = try Request.decodeJSON(
            as: Input.self, body: call.body.readableBytes == 0 ? ByteBuffer(string: "{}") : call.body, contentType: call.contentType
        )
        let planned = try await plan(input)
        switch try await ledger.post(planned, tenantID: call.tenantID, idempotency: idempotency, actor: call.actor) {
        case .posted(_, let stored?), .rejected(_, let stored?):
            return PostingAnswer(stored: stored, replayed: false)
        case .replayed(let stored):
            return PostingAnswer(stored: stored, replayed: true)
        case .posted(let transaction, nil):
            return PostingAnswer(stored: Self.render(.success(transaction), requestID: requestID), replayed: false)
        case .rejected(let error, nil):
            throw error
        }
    }

    /// The response kept under the key: 201 with the transaction, or the refusal's problem.
    static func render(_ outcome: Result<LedgerTransaction, LedgerError>, requestID: String) -> StoredResponse {
        switch outcome {
        case .success(let transaction):
            return StoredResponse(status: 201, body: TransactionBody(transaction: transaction).jsonBytes())
        case .failure(let error):
            let problem = APIError(ledger: error)
            return StoredResponse(status: problem.status.code, body: problem.problemBody(requestID: requestID))
        }
    }
}

/// One money-moving POST as the posting code needs it, from the router's request or from
/// the connection's.
struct PostingCall: Sendable {
    let apiKey: APIKey
    let requestID: String
    let path: String
    let idempotencyKey: String?
    let contentType: String?
    let body: ByteBuffer

    var tenantID: UUID { apiKey.tenant.id }
    /// The key and request the posting is recorded against in the audit log.
    var actor: AuditActor { AuditActor(keyID: apiKey.id, requestID: requestID) }
}

extension PostingCall {
    /// The router's request, its body read (at most the JSON limit).
    init(request: Request, context: TenantRequestContext) async throws {
        self.init(
            apiKey: context.apiKey, requestID: context.requestID, path: request.uri.path, idempotencyKey: request.headers[.idempotencyKey],
            contentType: request.headers[.contentType], body: try await request.body.collect(upTo: AppRequestContext.maxJSONBodySize)
        )
    }
}

/// A posting's answer: the stored response, and whether it repeats an earlier request's.
struct PostingAnswer: Sendable {
    let stored: StoredResponse
    let replayed: Bool

    var contentType: String { stored.status < 400 ? "application/json" : "application/problem+json" }

    var response: Response {
        var headers: HTTPFields = [.contentType: contentType]
        if replayed { headers[.idempotentReplayed] = "true" }
        return Response(status: HTTPResponse.Status(code: stored.status), headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: stored.body)))
    }
}

extension HTTPField.Name {
    static let idempotencyKey = HTTPField.Name("Idempotency-Key")!
    static let idempotentReplayed = HTTPField.Name("Idempotent-Replayed")!
}
