public import Logging
import NIOCore

/// Money-moving POSTs with a fixed path (fund, spend, bonus, transfer, a journal entry),
/// answered on the connection below Hummingbird (``DirectPostingHandler``). Hummingbird's
/// fixed cost per request (its task, conversions, router and middleware) was measured at
/// 61 µs of Grey's CPU, a third of what a transfer cost Grey in all.
///
/// The same code answers as behind the router (``IdempotentPosting``, the bearer key
/// check, problem+json for every refusal); only the HTTP plumbing differs. The router
/// installs what answers (``install(_:)``); a server whose channel is ``GreyHTTP1Channel``
/// with the same instance then uses it.
public typealias DirectPostings = DirectAnswers<DirectPostingAnswerer>

/// A posting as it arrived on the connection: the fields the posting code reads, and its body.
struct DirectPosting: Sendable {
    let path: String
    let authorization: String?
    let idempotencyKey: String?
    let contentType: String?
    let requestID: String
    let body: ByteBuffer
}

/// The answer to a ``DirectPosting``: status, fields and body as the router would send them,
/// and who asked, for the access log.
struct DirectPostingAnswer: Sendable {
    var status: Int
    var fields: [(name: String, value: String)]
    var body: [UInt8]
    var tenant: String?
    var keyID: String?
}

/// The router's side of direct postings: which paths, what answers them, and what the
/// middleware would have done around it (the access log and the metrics).
public struct DirectPostingAnswerer: Sendable {
    /// The paths answered on the connection (no query: a target with one goes to the router).
    let paths: Set<String>
    let answer: @Sendable (DirectPosting) async -> DirectPostingAnswer
    let metrics: HTTPMetrics
    let logger: Logger
    /// Whether the logger writes the access log (its level is info or finer).
    let logsRequests: Bool

    init(paths: Set<String>, answer: @escaping @Sendable (DirectPosting) async -> DirectPostingAnswer, metrics: HTTPMetrics, logger: Logger) {
        self.paths = paths
        self.answer = answer
        self.metrics = metrics
        self.logger = logger
        self.logsRequests = logger.logLevel <= .info
    }
}
