import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting

/// Ledger calls over HTTP for the tests: every money-moving call gets a fresh
/// Idempotency-Key unless one is given.
struct LedgerClient: Sendable {
    let client: any TestClientProtocol
    let key: String

    func post(_ path: String, _ json: String, idempotencyKey: String? = UUID().uuidString) async throws -> TestResponse {
        var headers: HTTPFields = [:]
        if let idempotencyKey { headers[HTTPField.Name("Idempotency-Key")!] = idempotencyKey }
        return try await client.send(.post, path, key: key, json: json, headers: headers)
    }

    func get(_ path: String) async throws -> TestResponse {
        try await client.send(.get, path, key: key)
    }

    /// A new user with a wallet in `currency`, funded with `funding` when positive; the wallet id.
    func makeWallet(_ externalID: String = UUID().uuidString, currency: String = "EUR", funding: Int64 = 0) async throws -> String {
        let user = try await client.send(.post, "/v1/users", key: key, json: #"{"externalId":"\#(externalID)"}"#).json["id"] as! String
        let wallet = try await client.send(.post, "/v1/wallets", key: key, json: #"{"userId":"\#(user)","currency":"\#(currency)"}"#)
        let id = wallet.json["id"] as! String
        if funding > 0 {
            let funded = try await post("/v1/transactions/fund", #"{"walletId":"\#(id)","amount":\#(funding),"externalRef":"\#(UUID().uuidString)"}"#)
            precondition(funded.status == .created, "funding failed: \(funded.text)")
        }
        return id
    }

    func balance(_ wallet: String) async throws -> Int64 {
        (try await get("/v1/wallets/\(wallet)/balance").json["balance"] as? NSNumber)?.int64Value ?? -1
    }
}
