import Database
import Foundation
import Hummingbird
import Ingest
import LedgerLink
import NIOCore
import Tenancy

/// `GET /v1/transactions.csv?walletId=`: a wallet's whole history as CSV, one row per entry
/// of the wallet, newest first, streamed page by page (memory stays flat however long the
/// history is). The first page is read before answering, so an unknown wallet is a 404.
struct StatementExportController {
    static let header = CSVRow([
        "transactionId", "createdAt", "type", "direction", "amount", "currency", "balanceAfter", "memo", "externalRef", "reversesId", "attachments",
    ])
    static let pageSize = 200

    let ledger: Ledger

    func addRoutes(to api: RouterGroup<TenantRequestContext>, catalogue: RouteCatalogue) {
        api.route(.get, "/v1/transactions.csv", in: catalogue) { request, context in
            try context.require(.ledgerRead)
            guard let walletText = request.query("walletId") else { throw APIError.invalidRequest("Query parameter 'walletId' is required.") }
            let wallet = try walletID(walletText)
            let tenantID = context.tenant.id
            let first = try await ledger.transactions(tenantID: tenantID, walletID: wallet, type: nil, limit: Self.pageSize, cursor: nil)
            let filename = "transactions-\(Ledger.walletIdentifier.format(wallet)).csv"
            return Response(
                status: .ok,
                headers: [
                    .contentType: "text/csv; charset=utf-8",
                    .contentDisposition: "attachment; filename=\"\(filename)\"",
                    .cacheControl: "private, no-store",
                ],
                body: ResponseBody { writer in
                    try await writer.write(ByteBuffer(string: Self.header.line))
                    var page = first
                    while true {
                        let text = page.items.map { Self.row($0, wallet: wallet).line }.joined()
                        try await writer.write(ByteBuffer(string: text))
                        guard let cursor = page.nextCursor else { break }
                        page = try await ledger.transactions(tenantID: tenantID, walletID: wallet, type: nil, limit: Self.pageSize, cursor: cursor)
                    }
                    try await writer.finish(nil)
                }
            )
        }
    }

    /// The wallet's entry in `transaction` as a row.
    static func row(_ transaction: LedgerTransaction, wallet: UUID) -> CSVRow {
        let entry = transaction.entries.first { $0.walletID == wallet }
        var row = CSVRow([
            Ledger.transactionIdentifier.format(transaction.id),
            rfc3339Milliseconds(transaction.createdAt),
            transaction.type.rawValue,
            entry?.direction.rawValue ?? "",
            entry.map { String($0.amount.minorUnits) } ?? "",
            transaction.currency.code,
            entry.map { String($0.balanceAfter) } ?? "",
        ])
        row.append(text: transaction.memo)
        row.append(text: transaction.externalRef)
        row.append(transaction.reversesID.map(Ledger.transactionIdentifier.format) ?? "")
        row.append(transaction.attachmentIDs.map(FileStore.identifier.format).joined(separator: " "))
        return row
    }
}
