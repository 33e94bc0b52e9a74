import HTTPTypes
import LedgerLink

extension APIError {
    /// How ledger refusals read over HTTP.
    init(ledger error: LedgerError) {
        switch error {
        case .invalidField(let field, let reason):
            self = .invalidRequest("Field '\(field)' \(reason).")
        case .userExists(let externalID):
            self.init(
                status: .conflict, code: "user_exists",
                detail: "A user with this externalId already exists.", extensions: ["externalId": externalID]
            )
        }
    }
}
