@testable import Audit
import Database
import Foundation
@testable import LedgerLink
@testable import Server
import Testing

/// The hand-written transaction body is the one Foundation's encoder writes, byte for
/// byte, whatever the text in it: the stored answer of a posting and a later read of the
/// same transaction must not differ.
@Suite struct JSONBytesTests {
    static func randomText(_ generator: inout SystemRandomNumberGenerator) -> String {
        let pieces = ["a", "Z", "0", " ", "\"", "\\", "/", "\n", "\r", "\t", "\u{8}", "\u{C}", "\u{0}", "\u{1F}", "\u{7F}",
                      "é", "€", "𝄞", "👩‍💼", "\u{2028}", "<", "&", "'", "%"]
        return String((0..<Int.random(in: 0...12, using: &generator)).map { _ in pieces.randomElement(using: &generator)! }.joined())
    }

    static func randomTransaction(_ generator: inout SystemRandomNumberGenerator) -> LedgerTransaction {
        let entries = (0..<Int.random(in: 1...4, using: &generator)).map { _ in
            PostedEntry(
                accountID: Identifier.makeUUID(), walletID: Bool.random(using: &generator) ? Identifier.makeUUID() : nil,
                direction: Bool.random(using: &generator) ? .debit : .credit, amount: Amount(Int64.random(in: 1...9_007_199_254_740_991, using: &generator))!,
                balanceAfter: Int64.random(in: -1_000_000_000...9_007_199_254_740_991, using: &generator)
            )
        }
        var transaction = LedgerTransaction(
            id: Identifier.makeUUID(), type: TransactionType.allCases.randomElement(using: &generator)!,
            currency: CurrencyCode(["EUR", "USD", "POINTS_1"].randomElement(using: &generator)!)!,
            amount: Amount(Int64.random(in: 1...9_007_199_254_740_991, using: &generator))!,
            memo: Bool.random(using: &generator) ? randomText(&generator) : nil,
            externalRef: Bool.random(using: &generator) ? randomText(&generator) : nil,
            reversesID: Bool.random(using: &generator) ? Identifier.makeUUID() : nil,
            createdAt: Date(timeIntervalSince1970: Double.random(in: 0...4_000_000_000, using: &generator)), entries: entries
        )
        transaction.attachmentIDs = (0..<Int.random(in: 0...2, using: &generator)).map { _ in Identifier.makeUUID() }
        return transaction
    }

    @Test func aTransactionIsWrittenAsFoundationWritesIt() throws {
        var generator = SystemRandomNumberGenerator()
        for _ in 0..<500 {
            let body = TransactionBody(transaction: Self.randomTransaction(&generator))
            let expected = Array(try JSONEncoder.api.encode(body))
            let written = body.jsonBytes()
            #expect(written == expected, "\(String(decoding: written, as: UTF8.self)) != \(String(decoding: expected, as: UTF8.self))")
            if written != expected { return }
        }
    }

    /// An audit event's details, written by hand, read back as the same strings whatever
    /// their text, with the keys in sorted order.
    @Test func auditDetailsReadBackAsTheyWere() throws {
        var generator = SystemRandomNumberGenerator()
        for _ in 0..<500 {
            var details: [String: String] = [:]
            for _ in 0..<Int.random(in: 0...5, using: &generator) {
                details[Self.randomText(&generator)] = Self.randomText(&generator)
            }
            let event = AuditEvent(tenantID: UUID(), action: "transaction.posted", subjectType: "transaction", subjectID: "txn_1", actor: .system, details: details)
            let text = AuditColumns.json(event)
            #expect(try JSONDecoder().decode([String: String].self, from: Data(text.utf8)) == details, "\(text)")
            let keys = try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: String]
            #expect(keys.map { Set($0.keys) } == Set(details.keys))
            #expect(text.hasPrefix("{") && text.hasSuffix("}"))
        }
    }
}
