import Database
import Foundation
import Hummingbird
import LedgerLink
import Tenancy

/// The chart of accounts and the trial balance.
struct AccountsController {
    let ledger: Ledger

    struct CreateAccount: Decodable {
        var code: String
        var name: String
        var type: AccountType
        var currency: String
        var allowNegative: Bool
    }

    struct TrialBalanceBody: Encodable, Sendable {
        struct Line: Encodable, Sendable {
            var accountId: String?
            var code: String
            var name: String
            var type: String
            var balance: Int128
            var accounts: Int
        }
        struct Totals: Encodable, Sendable {
            var asset, liability, equity, revenue, expense: Int128
        }
        var currency: String
        var accounts: [Line]
        var totals: Totals
        var balanced: Bool
    }

    func addRoutes(to group: RouterGroup<TenantRequestContext>, catalogue: RouteCatalogue) {
        group.route(.post, "/v1/accounts", in: catalogue) { request, context in
            try context.require(.ledgerWrite)
            let input = try await request.decodeJSON(as: CreateAccount.self)
            let account = try await ledger.createAccount(
                tenantID: context.tenant.id, code: input.code, name: input.name, type: input.type,
                currency: try CurrencyCode.validated(input.currency), allowsNegative: input.allowNegative, by: context.actor
            )
            return JSONResponse(status: .created, body: AccountBody(account))
        }
        group.route(.get, "/v1/accounts", in: catalogue) { request, context in
            try context.require(.ledgerRead)
            let page = try await ledger.accounts(
                tenantID: context.tenant.id, currency: try request.query("currency").map(CurrencyCode.validated),
                limit: try request.pageLimit(), cursor: request.query("cursor")
            )
            return JSONResponse(body: PageBody(data: page.items.map(AccountBody.init), nextCursor: page.nextCursor))
        }
        group.route(.get, "/v1/reports/trial-balance", in: catalogue) { request, context in
            try context.require(.ledgerRead)
            guard let code = request.query("currency") else { throw APIError.invalidRequest("Query parameter 'currency' is required.") }
            let report = try await ledger.trialBalance(tenantID: context.tenant.id, currency: try CurrencyCode.validated(code))
            let totals = report.totals
            return JSONResponse(
                body: TrialBalanceBody(
                    currency: report.currency.code,
                    accounts: report.lines.map {
                        .init(accountId: $0.accountID.map(Ledger.accountIdentifier.format), code: $0.code, name: $0.name, type: $0.type.rawValue, balance: $0.balance, accounts: $0.accounts)
                    },
                    totals: .init(asset: totals[.asset]!, liability: totals[.liability]!, equity: totals[.equity]!, revenue: totals[.revenue]!, expense: totals[.expense]!),
                    balanced: report.isBalanced
                )
            )
        }
    }
}
