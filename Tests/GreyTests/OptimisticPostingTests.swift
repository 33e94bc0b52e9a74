import Audit
import Database
import Foundation
@testable import LedgerLink
import PostgresNIO
import Testing

/// Batches planned from the accounts' cached states and written in one statement: they
/// post when the cache is right, and when another process has changed the accounts since
/// (posted, frozen, taken a key), the database refuses the statement and the batch posts
/// on the locked path with what is true now. Two ledgers, each with its own posting queue
/// and cache, stand for two Grey processes.
@Suite struct OptimisticPostingTests {
    struct Pair {
        let fixture: LedgerTests.Fixture
        let other: Ledger
        let from: Wallet
        let to: Wallet

        static func make(_ client: PostgresClient, funding: Int64) async throws -> Pair {
            let fixture = try await LedgerTests.Fixture.make(client)
            let from = try await fixture.makeWallet("payer")
            let to = try await fixture.makeWallet("payee")
            _ = try await fixture.fund(from, funding)
            return Pair(fixture: fixture, other: Ledger(client: client, logger: TestDatabase.logger), from: from, to: to)
        }

        /// A pair whose ledger knows both wallets: 1,000 funded, then two transfers of 100
        /// (the first locked, the second optimistic).
        static func known(_ client: PostgresClient) async throws -> Pair {
            let pair = try await make(client, funding: 1_000)
            _ = try await pair.transfer(100)
            _ = try await pair.transfer(100)
            #expect(pair.paths == [1, 0, 2])
            return pair
        }

        var ledger: Ledger { fixture.ledger }

        /// The ledger's batches so far: optimistic, refused, locked.
        var paths: [Int] {
            let counts = ledger.queue.pathCounts
            return [counts[.optimistic, default: 0], counts[.refused, default: 0], counts[.locked, default: 0]]
        }
        var tenantID: UUID { fixture.tenantID }

        func transfer(_ amount: Int64, through ledger: Ledger? = nil, key: String? = nil) async throws -> PostingResult {
            let ledger = ledger ?? self.ledger
            let plan = try await ledger.planTransfer(tenantID: tenantID, from: from.id, to: to.id, amount: Amount(amount)!, memo: nil)
            return try await ledger.post(plan, tenantID: tenantID, idempotency: key.map { keyed($0, amount: amount) })
        }

        /// A request under `key`, told apart from others by its amount only.
        func keyed(_ key: String, amount: Int64) -> IdempotentRequest {
            IdempotentRequest(key: key, fingerprint: Array("transfer \(amount)".utf8)) { outcome in
                let id = (try? outcome.get()).map { Ledger.transactionIdentifier.format($0.id) } ?? "refused"
                return StoredResponse(status: 201, body: Array(id.utf8))
            }!
        }

        /// The payer's running balance after the transaction.
        func payerBalance(after result: PostingResult) throws -> Int64? {
            try result.transaction().entries.first { $0.walletID == from.id }?.balanceAfter
        }

        func verifyClean(_ client: PostgresClient) async throws {
            #expect(try await LedgerVerifier(client: client, logger: TestDatabase.logger).verify().isClean)
        }
    }

    @Test func knownAccountsPostOptimistically() async throws {
        try await TestDatabase.withClient { client in
            let pair = try await Pair.make(client, funding: 1_000)
            // The payee is not known yet: the first transfer reads (and locks) its accounts.
            #expect(try pair.payerBalance(after: try await pair.transfer(100)) == 900)
            #expect(pair.paths == [0, 0, 2])
            #expect(try pair.payerBalance(after: try await pair.transfer(100)) == 800)
            #expect(try pair.payerBalance(after: try await pair.transfer(250)) == 550)
            #expect(pair.paths == [2, 0, 2])
            #expect(try await pair.fixture.balance(pair.to) == 450)
            try await pair.verifyClean(client)
        }
    }

    @Test func aPostingElsewhereMakesTheCachedStateStale() async throws {
        try await TestDatabase.withClient { client in
            let pair = try await Pair.known(client)
            // The other process spends from the payer: this one's cached balance and
            // sequence are stale, so its plan breaks the chain and the locked path posts.
            let spend = try await pair.other.planSpend(tenantID: pair.tenantID, walletID: pair.from.id, amount: Amount(300)!, memo: nil)
            _ = try await pair.other.post(spend, tenantID: pair.tenantID).transaction()
            #expect(try pair.payerBalance(after: try await pair.transfer(100)) == 400)
            #expect(pair.paths == [1, 1, 3])
            // The cache now holds what the locked path read: optimistic again.
            #expect(try pair.payerBalance(after: try await pair.transfer(50)) == 350)
            #expect(pair.paths == [2, 1, 3])
            // A plan the cached balance cannot pay is judged on the locked path's fresh read.
            await #expect(throws: LedgerError.insufficientFunds(accountID: pair.from.id)) {
                _ = try await pair.transfer(351).transaction()
            }
            #expect(pair.paths == [2, 1, 4])
            #expect(try await pair.fixture.balance(pair.from) == 350)
            try await pair.verifyClean(client)
        }
    }

    @Test func aWalletFrozenElsewhereRefusesTheCachedPlan() async throws {
        try await TestDatabase.withClient { client in
            let pair = try await Pair.known(client)
            _ = try await pair.other.setWalletStatus(tenantID: pair.tenantID, walletID: pair.from.id, .frozen, by: .system)
            await #expect(throws: LedgerError.walletFrozen(walletID: pair.from.id)) {
                _ = try await pair.transfer(100).transaction()
            }
            #expect(pair.paths == [1, 1, 3])
            // Unfrozen elsewhere: the cache still says frozen, which only sends the batch
            // to the locked path, where the fresh read lets it post.
            _ = try await pair.other.setWalletStatus(tenantID: pair.tenantID, walletID: pair.from.id, .active, by: .system)
            #expect(try pair.payerBalance(after: try await pair.transfer(100)) == 700)
            #expect(pair.paths == [1, 1, 4])
            try await pair.verifyClean(client)
        }
    }

    @Test func aKeyCommittedElsewhereIsReplayedNotPostedAgain() async throws {
        try await TestDatabase.withClient { client in
            let pair = try await Pair.known(client)
            // The other process commits the key with a posting on other accounts, so this
            // one's cached states stay right and only the key is in the way.
            let elsewhere = try await pair.fixture.makeWallet("elsewhere")
            let funding = try await pair.other.planFund(tenantID: pair.tenantID, walletID: elsewhere.id, amount: Amount(40)!, externalRef: "psp-once")
            let first = try await pair.other.post(funding, tenantID: pair.tenantID, idempotency: pair.keyed("pay-once", amount: 40))
            guard case .posted(_, let stored?) = first else {
                Issue.record("the first request with the key was not posted: \(first)")
                return
            }
            // This process's optimistic write hits the stored key; the locked path replays
            // the stored answer and posts nothing.
            let again = try await pair.transfer(40, key: "pay-once")
            guard case .replayed(let replayed) = again else {
                Issue.record("the key was not replayed: \(again)")
                return
            }
            #expect(replayed == stored)
            #expect(pair.paths == [1, 1, 3])
            #expect(try await pair.fixture.balance(pair.from) == 800)
            try await pair.verifyClean(client)
        }
    }
}

/// What a posting queue keeps of its accounts between batches.
@Suite struct AccountCacheTests {
    let tenant = UUID()
    func account(_ number: UInt8) -> AccountKey {
        AccountKey(tenantID: tenant, accountID: UUID(uuid: (number, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0)))
    }
    func state(_ balance: Int64) -> AccountState {
        AccountState(type: .liability, currency: "EUR", allowsNegative: false, isWallet: true, isFrozen: false, sequence: balance, balance: balance)
    }

    @Test func aBatchIsKnownOnlyIfEveryAccountIs() {
        let cache = AccountCache(capacity: 10)
        cache.remember([account(1): state(1), account(2): state(2)])
        #expect(cache.lookUp(all: [account(1), account(2)]) == [account(1): state(1), account(2): state(2)])
        #expect(cache.lookUp(all: [account(1), account(3)]) == nil)
        cache.remember([account(1): state(5)])
        #expect(cache.lookUp(all: [account(1)]) == [account(1): state(5)])
        cache.forget([account(1)])
        #expect(cache.lookUp(all: [account(1)]) == nil)
        #expect(cache.lookUp(all: [account(2)]) == [account(2): state(2)])
    }

    @Test func itEmptiesItselfAtCapacity() {
        let cache = AccountCache(capacity: 3)
        cache.remember([account(1): state(1), account(2): state(2)])
        cache.remember([account(3): state(3)])
        #expect(cache.lookUp(all: [account(1), account(2), account(3)]) != nil)
        cache.remember([account(4): state(4)])
        #expect(cache.lookUp(all: [account(1)]) == nil)
        #expect(cache.lookUp(all: [account(4)]) == [account(4): state(4)])
    }

    @Test func postingTimesOnlyMoveForward() {
        let clock = PostingClock()
        let first = clock.next()
        #expect(clock.next() > first)
        let ahead = first + 3_600_000_000
        clock.saw(ahead)
        #expect(clock.next() == ahead + 1)
        #expect(clock.next() == ahead + 2)
    }
}
