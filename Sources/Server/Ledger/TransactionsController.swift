import Database
import Foundation
import Hummingbird
import LedgerLink
import Tenancy

/// The money movements (`POST /v1/transactions/...`) and the reads of posted transactions.
struct TransactionsController {
    let ledger: Ledger

    struct Fund: Decodable { var walletId: String; var amount: AmountField; var externalRef: String }
    struct Spend: Decodable { var walletId: String; var amount: AmountField; var memo: String? }
    struct Bonus: Decodable { var walletId: String; var amount: AmountField; var reason: String }
    struct Transfer: Decodable { var fromWalletId: String; var toWalletId: String; var amount: AmountField; var memo: String? }
    struct Journal: Decodable {
        struct Line: Decodable { var accountId: String; var direction: Direction; var amount: AmountField }
        var entries: [Line]
        var memo: String?
        var externalRef: String?
    }
    struct Reverse: Decodable { var memo: String? }

    /// The money-moving POSTs whose path is fixed, by path: the router's routes, and what
    /// ``DirectPostings`` answers on the connection.
    func fixedPostings() -> [String: @Sendable (PostingCall) async throws -> PostingAnswer] {
        let ledger = ledger
        let posting = IdempotentPosting(ledger: ledger)
        return [
            "/v1/transactions/fund": { call in
                try await posting.post(call, as: Fund.self) { input in
                    try await ledger.planFund(
                        tenantID: call.tenantID, walletID: try walletID(input.walletId), amount: try input.amount.validated(),
                        externalRef: try text(input.externalRef, "externalRef", required: true)!
                    )
                }
            },
            "/v1/transactions/spend": { call in
                try await posting.post(call, as: Spend.self) { input in
                    try await ledger.planSpend(
                        tenantID: call.tenantID, walletID: try walletID(input.walletId), amount: try input.amount.validated(),
                        memo: try text(input.memo, "memo", limit: 1000)
                    )
                }
            },
            "/v1/transactions/bonus": { call in
                try await posting.post(call, as: Bonus.self) { input in
                    try await ledger.planBonus(
                        tenantID: call.tenantID, walletID: try walletID(input.walletId), amount: try input.amount.validated(),
                        reason: try text(input.reason, "reason", limit: 1000, required: true)!
                    )
                }
            },
            "/v1/transactions/transfer": { call in
                try await posting.post(call, as: Transfer.self) { input in
                    try await ledger.planTransfer(
                        tenantID: call.tenantID, from: try walletID(input.fromWalletId), to: try walletID(input.toWalletId),
                        amount: try input.amount.validated(), memo: try text(input.memo, "memo", limit: 1000)
                    )
                }
            },
            "/v1/transactions": { call in
                try await posting.post(call, as: Journal.self) { input in
                    var lines: [Posting] = []
                    for (index, line) in input.entries.enumerated() {
                        guard let account = parseAccountID(line.accountId) else { throw APIError.notFound("No account with id '\(line.accountId.prefix(80))'.") }
                        lines.append(Posting(accountID: account, direction: line.direction, amount: try line.amount.validated("entries[\(index)].amount")))
                    }
                    guard Set(lines.map(\.accountID)).count == lines.count else {
                        throw APIError.invalidRequest("Each account may appear once in a transaction's entries.")
                    }
                    return try await ledger.planJournal(
                        tenantID: call.tenantID, lines: lines, memo: try text(input.memo, "memo", limit: 1000),
                        externalRef: try text(input.externalRef, "externalRef")
                    )
                }
            },
        ]
    }

    func addRoutes(to group: RouterGroup<TenantRequestContext>, catalogue: RouteCatalogue) {
        let posting = IdempotentPosting(ledger: ledger)
        for (path, post) in fixedPostings().sorted(by: { $0.key < $1.key }) {
            group.route(.post, path, in: catalogue) { request, context in
                try await posting.respond(to: request, context: context, with: post)
            }
        }
        group.route(.post, "/v1/transactions/{transactionId}/reverse", in: catalogue) { request, context in
            let id = try context.id("transactionId", Ledger.transactionIdentifier, what: "transaction")
            return try await posting.respond(to: request, context: context, as: Reverse.self) { input in
                try await ledger.planReversal(tenantID: context.tenant.id, transactionID: id, memo: try text(input.memo, "memo", limit: 1000))
            }
        }
        group.route(.get, "/v1/transactions/{transactionId}", in: catalogue) { _, context in
            try context.require(.ledgerRead)
            let id = try context.id("transactionId", Ledger.transactionIdentifier, what: "transaction")
            guard let transaction = try await ledger.transaction(tenantID: context.tenant.id, id: id) else {
                throw APIError.notFound("No transaction with this id.")
            }
            return JSONResponse(body: TransactionBody(transaction: transaction))
        }
        group.route(.get, "/v1/transactions", in: catalogue) { request, context in
            try context.require(.ledgerRead)
            let wallet = try request.query("walletId").map { try walletID($0) }
            let type = try request.query("type").map { name in
                guard let type = TransactionType(rawValue: name) else {
                    throw APIError.invalidRequest("Query parameter 'type' must be one of \(TransactionType.allCases.map(\.rawValue).joined(separator: ", ")).")
                }
                return type
            }
            let page = try await ledger.transactions(
                tenantID: context.tenant.id, walletID: wallet, type: type, limit: try request.pageLimit(), cursor: request.query("cursor")
            )
            return JSONResponse(body: PageBody(data: page.items.map { TransactionBody(transaction: $0) }, nextCursor: page.nextCursor))
        }
    }
}

/// A wallet id from a body or query, or 404.
func walletID(_ text: String) throws -> UUID {
    guard let id = Ledger.walletIdentifier.parse(text) else { throw APIError.notFound("No wallet with id '\(text.prefix(80))'.") }
    return id
}

/// A free-text field: at most `limit` characters, and present when `required`.
func text(_ value: String?, _ field: String, limit: Int = 255, required: Bool = false) throws -> String? {
    guard let value, !value.isEmpty else {
        if required { throw APIError.invalidRequest("Field '\(field)' must not be empty.") }
        return nil
    }
    // Characters are counted as Unicode code points, as PostgreSQL's char_length and JSON Schema count them.
    guard value.unicodeScalars.count <= limit else { throw APIError.invalidRequest("Field '\(field)' must be at most \(limit) characters.") }
    return value
}
