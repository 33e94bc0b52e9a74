public import Foundation

/// A request the ledger refuses; the HTTP layer maps each case to a status and a stable code.
public enum LedgerError: Error, Equatable {
    /// A field is missing its required shape (`field`, and why).
    case invalidField(String, reason: String)
    /// An amount that is not a whole number of minor units in 1...2^53-1.
    case invalidAmount(field: String)
    /// A currency that is not `[A-Z][A-Z0-9_]{2,11}`.
    case invalidCurrency(String)
    /// No such object for this tenant (`what` names its kind).
    case notFound(String)
    /// The tenant already has a user with this external id.
    case userExists(externalID: String)
    /// The user already has a wallet in this currency.
    case walletExists(existingWalletID: UUID)
    /// The tenant already has an account with this code in this currency.
    case accountExists(code: String)
    /// The posting would take a non-negative account below zero.
    case insufficientFunds(accountID: UUID)
    /// A wallet in the posting is frozen.
    case walletFrozen(walletID: UUID)
    /// A transfer from a wallet to itself.
    case sameWallet
    /// Accounts or amounts in different currencies.
    case currencyMismatch
    /// Debits and credits differ.
    case unbalanced
    /// The external reference was already used, by `originalTransactionID`.
    case duplicateExternalRef(originalTransactionID: UUID)
    /// The transaction was already reversed.
    case alreadyReversed(reversalID: UUID)
    /// An Idempotency-Key reused with a different request.
    case idempotencyKeyReused
    /// A reversal cannot itself be reversed; post the original again instead.
    case cannotReverseReversal
}
