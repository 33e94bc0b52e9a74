import Audit
import Database
import Foundation
import Hummingbird
import Tenancy

/// `GET /v1/audit`: the tenant's audit log, newest first, each event with its place in the
/// tenant's hash chain once sealed (so a client can check the chain it is shown).
struct AuditController {
    let log: AuditLog

    struct EventBody: Encodable, Sendable {
        var id: String
        var sequence: Int64?
        var occurredAt: Date
        var action: String
        var subjectType: String
        var subjectId: String
        var keyId: String?
        var requestId: String?
        var details: [String: String]
        var previousHash: String?
        var hash: String?

        init(_ record: AuditRecord) {
            id = String(record.id)
            sequence = record.sequence
            occurredAt = record.occurredAt
            action = record.event.action
            subjectType = record.event.subjectType
            subjectId = record.event.subjectID
            keyId = record.event.actor.keyID.map(APIKeyStore.identifier.format)
            requestId = record.event.actor.requestID
            details = record.event.details
            previousHash = record.previousHash.map { Hex.encode($0) }
            hash = record.hash.map { Hex.encode($0) }
        }

        enum CodingKeys: String, CodingKey {
            case id, sequence, occurredAt, action, subjectType, subjectId, keyId, requestId, details, previousHash, hash
        }

        /// Every key is written, null included, as the schema lists them.
        func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(id, forKey: .id)
            try container.encode(sequence, forKey: .sequence)
            try container.encode(occurredAt, forKey: .occurredAt)
            try container.encode(action, forKey: .action)
            try container.encode(subjectType, forKey: .subjectType)
            try container.encode(subjectId, forKey: .subjectId)
            try container.encode(keyId, forKey: .keyId)
            try container.encode(requestId, forKey: .requestId)
            try container.encode(details, forKey: .details)
            try container.encode(previousHash, forKey: .previousHash)
            try container.encode(hash, forKey: .hash)
        }
    }

    func addRoutes(to api: RouterGroup<TenantRequestContext>, catalogue: RouteCatalogue) {
        api.route(.get, "/v1/audit", in: catalogue) { request, context in
            let page = try await log.events(tenantID: context.tenant.id, limit: try request.pageLimit(), cursor: request.query("cursor"))
            return JSONResponse(body: PageBody(data: page.records.map(EventBody.init), nextCursor: page.nextCursor))
        }
    }
}
