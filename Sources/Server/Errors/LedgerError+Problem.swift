import Database
import HTTPTypes
import LedgerLink

extension APIError {
    /// How ledger refusals read over HTTP: each case has its status and stable code.
    init(ledger error: LedgerError) {
        switch error {
        case .invalidField(let field, let reason):
            self = .invalidRequest("Field '\(field)' \(reason).")
        case .invalidAmount(let field):
            self.init(
                status: .unprocessableContent, code: "invalid_amount",
                detail: "Field '\(field)' must be a whole number of minor units from 1 to 9007199254740991."
            )
        case .invalidCurrency(let code):
            self.init(
                status: .unprocessableContent, code: "invalid_currency",
                detail: "'\(code.prefix(40))' is not a currency or asset code ([A-Z][A-Z0-9_]{2,11})."
            )
        case .notFound(let what):
            self = .notFound("No such \(what).")
        case .userExists(let externalID):
            self.init(
                status: .conflict, code: "user_exists",
                detail: "A user with this externalId already exists.", extensions: ["externalId": externalID]
            )
        case .walletExists(let existing):
            self.init(
                status: .conflict, code: "wallet_exists", detail: "The user already has a wallet in this currency.",
                extensions: ["walletId": Ledger.walletIdentifier.format(existing)]
            )
        case .accountExists(let code):
            self.init(status: .conflict, code: "account_exists", detail: "An account with code '\(code)' already exists in this currency.")
        case .insufficientFunds:
            self.init(status: HTTPResponse.Status(code: 402, reasonPhrase: "Payment Required"), code: "insufficient_funds", detail: "The balance is too low for this amount.")
        case .walletFrozen(let walletID):
            self.init(
                status: HTTPResponse.Status(code: 423, reasonPhrase: "Locked"), code: "wallet_frozen", detail: "The wallet is frozen.",
                extensions: ["walletId": Ledger.walletIdentifier.format(walletID)]
            )
        case .sameWallet:
            self.init(status: .unprocessableContent, code: "same_wallet", detail: "A transfer needs two different wallets.")
        case .currencyMismatch:
            self.init(status: .unprocessableContent, code: "currency_mismatch", detail: "The wallets or accounts are in different currencies.")
        case .unbalanced:
            self.init(status: .unprocessableContent, code: "unbalanced", detail: "Debits and credits must be equal.")
        case .duplicateExternalRef(let original):
            self.init(
                status: .conflict, code: "duplicate_external_ref", detail: "This externalRef was already used.",
                extensions: ["transactionId": Ledger.transactionIdentifier.format(original)]
            )
        case .alreadyReversed(let reversal):
            self.init(
                status: .conflict, code: "already_reversed", detail: "The transaction was already reversed.",
                extensions: ["reversalId": Ledger.transactionIdentifier.format(reversal)]
            )
        case .idempotencyKeyReused:
            self.init(
                status: .unprocessableContent, code: "idempotency_key_reused",
                detail: "This Idempotency-Key was used with a different request."
            )
        case .cannotReverseReversal:
            self.init(
                status: .unprocessableContent, code: "cannot_reverse_reversal",
                detail: "A reversal cannot be reversed; post the original movement again instead."
            )
        }
    }
}
