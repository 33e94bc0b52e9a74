import Foundation
import Database
import Foundation
import Hummingbird
import LedgerLink
import Tenancy

/// `POST /v1/users` and `GET /v1/users/{userId}`.
struct UsersController {
    let users: UserStore
    let ledger: Ledger

    struct CreateUser: Decodable {
        var externalId: String
        var displayName: String?
    }

    struct UserBody: Encodable, Sendable {
        var id: String
        var externalId: String
        var displayName: String?
        var createdAt: Date
        /// The user's wallets (on reads only).
        var wallets: [WalletBody]?

        init(_ user: User, wallets: [Wallet]? = nil) {
            id = UserStore.identifier.format(user.id)
            externalId = user.externalID
            displayName = user.displayName
            createdAt = user.createdAt
            self.wallets = wallets.map { $0.map(WalletBody.init) }
        }
    }

    func addRoutes(to group: RouterGroup<TenantRequestContext>, catalogue: RouteCatalogue) {
        group.route(.post, "/v1/users", in: catalogue) { request, context in
            try context.require(.ledgerWrite)
            let input = try await request.decodeJSON(as: CreateUser.self)
            let user = try await users.create(tenantID: context.tenant.id, externalID: input.externalId, displayName: input.displayName, by: context.actor)
            return JSONResponse(status: .created, body: UserBody(user))
        }
        group.route(.get, "/v1/users/{userId}", in: catalogue) { _, context in
            try context.require(.ledgerRead)
            guard let id = context.parameters.get("userId").flatMap(UserStore.identifier.parse),
                let user = try await users.find(tenantID: context.tenant.id, id: id)
            else { throw APIError.notFound("No user with this id.") }
            return JSONResponse(body: UserBody(user, wallets: try await ledger.wallets(tenantID: context.tenant.id, userID: id)))
        }
    }
}
