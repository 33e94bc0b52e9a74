import Database
import Foundation
import Hummingbird
import LedgerLink
import Tenancy

/// Merchants, the charges collected for them and their payouts.
struct MerchantsController {
    let ledger: Ledger

    struct CreateMerchant: Decodable { var name: String; var currency: String }
    struct Charge: Decodable { var amount: AmountField; var fee: AmountField?; var externalRef: String }
    struct Payout: Decodable { var amount: AmountField? }

    struct MerchantBody: Encodable, Sendable {
        var id: String
        var name: String
        var currency: String
        var payableAccountId: String
        var createdAt: Date

        init(_ merchant: Merchant) {
            id = Ledger.merchantIdentifier.format(merchant.id)
            name = merchant.name
            currency = merchant.currency.code
            payableAccountId = Ledger.accountIdentifier.format(merchant.payableAccountID)
            createdAt = merchant.createdAt
        }
    }

    struct BalanceBody: Encodable, Sendable {
        var merchantId: String
        var currency: String
        var balance: Int64
    }

    func addRoutes(to group: RouterGroup<TenantRequestContext>, catalogue: RouteCatalogue) {
        let posting = IdempotentPosting(ledger: ledger)
        group.route(.post, "/v1/merchants", in: catalogue) { request, context in
            try context.require(.ledgerWrite)
            let input = try await request.decodeJSON(as: CreateMerchant.self)
            let merchant = try await ledger.createMerchant(
                tenantID: context.tenant.id, name: try text(input.name, "name", required: true)!,
                currency: try CurrencyCode.validated(input.currency), by: context.actor
            )
            return JSONResponse(status: .created, body: MerchantBody(merchant))
        }
        group.route(.get, "/v1/merchants/{merchantId}", in: catalogue) { _, context in
            try context.require(.ledgerRead)
            let id = try context.id("merchantId", Ledger.merchantIdentifier, what: "merchant")
            guard let merchant = try await ledger.merchant(tenantID: context.tenant.id, id: id) else { throw APIError.notFound("No merchant with this id.") }
            return JSONResponse(body: MerchantBody(merchant))
        }
        group.route(.post, "/v1/merchants/{merchantId}/charges", in: catalogue) { request, context in
            let id = try context.id("merchantId", Ledger.merchantIdentifier, what: "merchant")
            return try await posting.respond(to: request, context: context, as: Charge.self) { input in
                let fee = try input.fee.map { fee -> Int64 in
                    guard let value = fee.value, value >= 0 else { throw LedgerError.invalidAmount(field: "fee") }
                    return value
                } ?? 0
                return try await ledger.planCharge(
                    tenantID: context.tenant.id, merchantID: id, amount: try input.amount.validated(), fee: fee,
                    externalRef: try text(input.externalRef, "externalRef", required: true)!
                )
            }
        }
        group.route(.post, "/v1/merchants/{merchantId}/payouts", in: catalogue) { request, context in
            let id = try context.id("merchantId", Ledger.merchantIdentifier, what: "merchant")
            return try await posting.respond(to: request, context: context, as: Payout.self) { input in
                try await ledger.planPayout(tenantID: context.tenant.id, merchantID: id, amount: try input.amount?.validated())
            }
        }
        group.route(.get, "/v1/merchants/{merchantId}/balance", in: catalogue) { _, context in
            try context.require(.ledgerRead)
            let id = try context.id("merchantId", Ledger.merchantIdentifier, what: "merchant")
            let (merchant, balance) = try await ledger.merchantBalance(tenantID: context.tenant.id, merchantID: id)
            return JSONResponse(body: BalanceBody(merchantId: Ledger.merchantIdentifier.format(merchant.id), currency: merchant.currency.code, balance: balance))
        }
    }
}
