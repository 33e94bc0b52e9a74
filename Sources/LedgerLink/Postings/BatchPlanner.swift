import Foundation

/// An account as a batch sees it once locked: its rules and its latest running balance.
struct AccountState: Sendable, Equatable {
    var type: AccountType
    var currency: String
    var allowsNegative: Bool
    var isWallet: Bool
    var isFrozen: Bool
    var sequence: Int64
    var balance: Int64
}

/// An account of a tenant; account ids are unique, the tenant keeps every lookup scoped.
struct AccountKey: Hashable, Sendable {
    let tenantID: UUID
    let accountID: UUID
}

/// A transaction accepted into a batch, with its entries' sequence numbers and balances.
struct PlannedTransaction: Sendable {
    let id: UUID
    let tenantID: UUID
    let request: PostingRequest
    let amount: Amount
    let entries: [PlannedEntry]
}

struct PlannedEntry: Sendable {
    let posting: Posting
    let sequence: Int64
    let balanceAfter: Int64
    let isWallet: Bool
    /// The account's rule, copied onto the entry for the database's CHECK.
    let allowsNegative: Bool
}

/// Decides, request by request in queue order, what a batch posts: it applies each
/// accepted request to the accounts' balances before the next is judged, so two requests
/// in one batch see each other exactly as if they had been posted one after the other.
/// Pure: the database reads come in, the rows to insert go out.
struct BatchPlanner {
    var accounts: [AccountKey: AccountState]
    /// External references already used: by committed transactions or earlier in the batch.
    var externalRefs: [ExternalRefKey: UUID]
    /// Transactions already reversed, and by which transaction.
    var reversals: [AccountKey: UUID]

    struct ExternalRefKey: Hashable {
        let tenantID: UUID
        let ref: String
    }

    /// Accepts `request` as transaction `id`, or says why not; a refusal changes nothing.
    mutating func plan(_ request: PostingRequest, tenantID: UUID, id: UUID) -> Result<PlannedTransaction, LedgerError> {
        do {
            return .success(try accept(request, tenantID: tenantID, id: id))
        } catch {
            return .failure(error)
        }
    }

    private mutating func accept(_ request: PostingRequest, tenantID: UUID, id: UUID) throws(LedgerError) -> PlannedTransaction {
        var touched: [UUID: AccountState] = [:]
        for accountID in request.accountIDs {
            guard let state = accounts[AccountKey(tenantID: tenantID, accountID: accountID)] else {
                throw LedgerError.notFound("account")
            }
            guard state.currency == request.currency.code else { throw LedgerError.currencyMismatch }
            if state.isFrozen { throw LedgerError.walletFrozen(walletID: accountID) }
            touched[accountID] = state
        }
        if let ref = request.externalRef, let original = externalRefs[ExternalRefKey(tenantID: tenantID, ref: ref)] {
            throw LedgerError.duplicateExternalRef(originalTransactionID: original)
        }
        if let reversed = request.reversesID, let reversal = reversals[AccountKey(tenantID: tenantID, accountID: reversed)] {
            throw LedgerError.alreadyReversed(reversalID: reversal)
        }

        let postings = try lines(of: request, touched: touched)
        guard postings.isBalanced, let amount = Amount(postings.debitTotal) else { throw LedgerError.unbalanced }
        var entries: [PlannedEntry] = []
        for posting in postings {
            var state = touched[posting.accountID]!
            let (balance, overflow) = state.balance.addingReportingOverflow(state.type.movement(posting.direction, posting.amount))
            guard !overflow else { throw LedgerError.invalidAmount(field: "amount") }
            if !state.allowsNegative, balance < 0 { throw LedgerError.insufficientFunds(accountID: posting.accountID) }
            state.sequence += 1
            state.balance = balance
            touched[posting.accountID] = state
            entries.append(PlannedEntry(posting: posting, sequence: state.sequence, balanceAfter: balance, isWallet: state.isWallet, allowsNegative: state.allowsNegative))
        }

        for (accountID, state) in touched { accounts[AccountKey(tenantID: tenantID, accountID: accountID)] = state }
        if let ref = request.externalRef { externalRefs[ExternalRefKey(tenantID: tenantID, ref: ref)] = id }
        if let reversed = request.reversesID { reversals[AccountKey(tenantID: tenantID, accountID: reversed)] = id }
        return PlannedTransaction(id: id, tenantID: tenantID, request: request, amount: amount, entries: entries)
    }

    /// The request's lines; a sweep moves the source's whole balance, which must be positive.
    private func lines(of request: PostingRequest, touched: [UUID: AccountState]) throws(LedgerError) -> [Posting] {
        switch request.lines {
        case .fixed(let postings):
            return postings
        case .sweep(let from, let to):
            guard let source = touched[from], let amount = Amount(source.balance) else {
                throw LedgerError.insufficientFunds(accountID: from)
            }
            return [
                Posting(accountID: from, direction: source.type.growsWithDebits ? .credit : .debit, amount: amount),
                Posting(accountID: to, direction: source.type.growsWithDebits ? .debit : .credit, amount: amount),
            ]
        }
    }
}
