import Database
import HTTPTypes
import LedgerLink
import Logging
import Tenancy

extension DirectPostingAnswerer {
    /// Answers with `postings` (by path) for the key the request's bearer token names.
    static func ledger(
        postings: [String: @Sendable (PostingCall) async throws -> PostingAnswer], keys: APIKeyStore, metrics: HTTPMetrics, logger: Logger
    ) -> DirectPostingAnswerer {
        DirectPostingAnswerer(
            paths: Set(postings.keys),
            answer: { request in
                var trace: (tenant: String, keyID: String)?
                do {
                    guard let post = postings[request.path] else { throw APIError.notFound("No such route.") }
                    let key = try await BearerAuthMiddleware.apiKey(authorization: request.authorization, keys: keys)
                    trace = (key.tenant.name, APIKeyStore.identifier.format(key.id))
                    let answer = try await post(PostingCall(
                        apiKey: key, requestID: request.requestID, path: request.path, idempotencyKey: request.idempotencyKey,
                        contentType: request.contentType, body: request.body
                    ))
                    var fields = [(name: "Content-Type", value: answer.contentType)]
                    if answer.replayed { fields.append(("Idempotent-Replayed", "true")) }
                    return DirectPostingAnswer(status: answer.stored.status, fields: fields, body: answer.stored.body, tenant: trace?.tenant, keyID: trace?.keyID)
                } catch {
                    var logger = logger
                    logger[metadataKey: "request_id"] = .string(request.requestID)
                    let problem = APIError.answering(error, logger: logger)
                    var fields = problem.headers.map { (name: $0.name.rawName, value: $0.value) }
                    fields.append(("Content-Type", "application/problem+json"))
                    return DirectPostingAnswer(
                        status: problem.status.code, fields: fields, body: problem.problemBody(requestID: request.requestID),
                        tenant: trace?.tenant, keyID: trace?.keyID
                    )
                }
            },
            metrics: metrics, logger: logger
        )
    }
}
