import Database
import Foundation
import Hummingbird
import LedgerLink
import Tenancy

/// Wallets: open one, read it and its balance (now or as of a past time), freeze it.
struct WalletsController {
    let ledger: Ledger

    struct CreateWallet: Decodable { var userId: String; var currency: String }

    struct BalanceBody: Encodable, Sendable {
        var walletId: String
        var currency: String
        var balance: Int64
        var asOf: Date
    }

    func addRoutes(to group: RouterGroup<TenantRequestContext>, catalogue: RouteCatalogue) {
        group.route(.post, "/v1/wallets", in: catalogue) { request, context in
            try context.require(.ledgerWrite)
            let input = try await request.decodeJSON(as: CreateWallet.self)
            guard let userID = UserStore.identifier.parse(input.userId) else { throw APIError.notFound("No user with this id.") }
            let wallet = try await ledger.createWallet(
                tenantID: context.tenant.id, userID: userID, currency: try CurrencyCode.validated(input.currency), by: context.actor
            )
            return JSONResponse(status: .created, body: WalletBody(wallet))
        }
        group.route(.get, "/v1/wallets/{walletId}", in: catalogue) { _, context in
            try context.require(.ledgerRead)
            let id = try context.id("walletId", Ledger.walletIdentifier, what: "wallet")
            guard let wallet = try await ledger.wallet(tenantID: context.tenant.id, id: id) else { throw APIError.notFound("No wallet with this id.") }
            return JSONResponse(body: WalletBody(wallet))
        }
        group.route(.get, "/v1/wallets/{walletId}/balance", in: catalogue) { request, context in
            try context.require(.ledgerRead)
            let id = try context.id("walletId", Ledger.walletIdentifier, what: "wallet")
            let asOf = try request.timestamp("asOf")
            let (wallet, balance) = try await ledger.balance(tenantID: context.tenant.id, walletID: id, asOf: asOf)
            return JSONResponse(
                body: BalanceBody(walletId: Ledger.walletIdentifier.format(wallet.id), currency: wallet.currency.code, balance: balance, asOf: asOf ?? Date())
            )
        }
        for (path, status) in [("/v1/wallets/{walletId}/freeze", Wallet.Status.frozen), ("/v1/wallets/{walletId}/unfreeze", .active)] {
            group.route(.post, path, in: catalogue) { _, context in
                try context.require(.ledgerWrite)
                let id = try context.id("walletId", Ledger.walletIdentifier, what: "wallet")
                return JSONResponse(body: WalletBody(try await ledger.setWalletStatus(tenantID: context.tenant.id, walletID: id, status, by: context.actor)))
            }
        }
    }
}
