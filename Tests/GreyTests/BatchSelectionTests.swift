import Foundation
@testable import LedgerLink
import Testing

/// What a posting runner takes while another batch is in flight: requests clear of that
/// batch's accounts, in queue order, never one that would overtake an earlier request on
/// the same account.
@Suite struct BatchSelectionTests {
    let tenant = UUID()
    func account(_ number: UInt8) -> AccountKey {
        AccountKey(tenantID: tenant, accountID: UUID(uuid: (number, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0)))
    }

    /// Requests named by a letter, each with the accounts it touches.
    func select(_ waiting: [(String, [UInt8])], busy: [UInt8], limit: Int = 256) -> (taken: String, left: String, accounts: Set<AccountKey>) {
        let selection = BatchSelection(from: waiting, busy: Set(busy.map(account)), limit: limit) { $0.1.map(account) }
        return (selection.taken.map(\.0).joined(), selection.left.map(\.0).joined(), selection.accounts)
    }

    @Test func withNothingInFlightEverythingIsTakenUpToTheLimit() {
        let waiting = [("a", [1, 2]), ("b", [2, 3]), ("c", [1, 3] as [UInt8])]
        #expect(select(waiting, busy: []).taken == "abc")
        #expect(select(waiting, busy: []).accounts == Set([1, 2, 3].map(account)))
        let limited = select(waiting, busy: [], limit: 2)
        #expect(limited.taken == "ab")
        #expect(limited.left == "c")
    }

    @Test func requestsOnABusyAccountWait() {
        let waiting = [("a", [1, 2]), ("b", [3, 4]), ("c", [5, 1] as [UInt8])]
        let selection = select(waiting, busy: [1])
        #expect(selection.taken == "b")
        #expect(selection.left == "ac")
        #expect(selection.accounts == Set([3, 4].map(account)))
    }

    @Test func noRequestOvertakesAWaitingOneOnItsAccounts() {
        // "a" waits for account 1; "b" shares account 2 with "a", so it waits too, and so
        // does "c" on account 3 of "b". "d" is clear of all of them.
        let waiting = [("a", [1, 2]), ("b", [2, 3]), ("c", [3]), ("d", [4, 5] as [UInt8])]
        let selection = select(waiting, busy: [1])
        #expect(selection.taken == "d")
        #expect(selection.left == "abc")
    }

    @Test func everythingBusyTakesNothing() {
        let selection = select([("a", [1, 2]), ("b", [2] as [UInt8])], busy: [2])
        #expect(selection.taken.isEmpty)
        #expect(selection.left == "ab")
        #expect(selection.accounts.isEmpty)
    }
}
