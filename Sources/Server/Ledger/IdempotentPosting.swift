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
struct IdempotentPosting {
    let ledger: Ledger

    func respond<Input: Decodable>(
        to request: Request, context: TenantRequestContext, as input: Input.Type,
        plan: (Input) async throws -> PostingRequest
    ) async throws -> Response {
        try context.require(.ledgerWrite)
        guard let key = request.headers[.idempotencyKey] else {
            throw APIError(status: .badRequest, code: "idempotency_key_required", detail: "Money-moving requests need an Idempotency-Key header.")
        }
        let body = try await request.body.collect(upTo: AppRequestContext.maxJSONBodySize)
        let fingerprint = IdempotentRequest.fingerprint(method: request.method.rawValue, path: request.uri.path, body: body.readableBytesView)
        let requestID = context.requestID
        guard let idempotency = IdempotentRequest(key: key, fingerprint: fingerprint, render: { Self.render($0, requestID: requestID) }) else {
            throw APIError.invalidRequest("The Idempotency-Key must be 1 to 255 printable ASCII characters.")
        }
        // An empty body reads as `{}`: a reversal needs no fields.
        let input = try Request.decodeJSON(
            as: Input.self, body: body.readableBytes == 0 ? ByteBuffer(string: "{}") : body, contentType: request.headers[.contentType]
        )
        let planned = try await plan(input)
        switch try await ledger.post(planned, tenantID: context.tenant.id, idempotency: idempotency, actor: context.actor) {
        case .posted(_, let stored?), .rejected(_, let stored?):
            return Self.response(stored, replayed: false)
        case .replayed(let stored):
            return Self.response(stored, replayed: true)
        case .posted(let transaction, nil):
            return Self.response(Self.render(.success(transaction), requestID: requestID), replayed: false)
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

    static func response(_ stored: StoredResponse, replayed: Bool) -> Response {
        var headers: HTTPFields = [.contentType: stored.status < 400 ? "application/json" : "application/problem+json"]
        if replayed { headers[.idempotentReplayed] = "true" }
        return Response(
            status: HTTPResponse.Status(code: stored.status), headers: headers,
            body: .init(byteBuffer: ByteBuffer(bytes: stored.body))
        )
    }
}

extension HTTPField.Name {
    static let idempotencyKey = HTTPField.Name("Idempotency-Key")!
    static let idempotentReplayed = HTTPField.Name("Idempotent-Replayed")!
}
