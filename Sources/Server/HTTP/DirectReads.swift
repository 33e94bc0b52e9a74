public import Logging
import Origin

/// Hot signed reads answered on the connection (``DirectReadHandler``): a file's bytes or
/// preview whose metadata and open blob file are already in memory. Every read that needs
/// to wait for something goes to the router as before.
public typealias DirectReads = DirectAnswers<DirectReadAnswerer>

/// The router's side of direct reads: the decision (``SignedReads/directAnswer(target:request:)``)
/// and what the middleware would have done around it (the access log and the metrics).
public struct DirectReadAnswerer: Sendable {
    /// The answer to a GET or HEAD of a target (path and query), or nil for the router.
    let answer: @Sendable (_ target: String, _ request: ReadRequest) -> DirectAnswer?
    let metrics: HTTPMetrics
    let logger: Logger
    /// Whether the logger writes the access log (its level is info or finer).
    let logsRequests: Bool

    init(answer: @escaping @Sendable (_ target: String, _ request: ReadRequest) -> DirectAnswer?, metrics: HTTPMetrics, logger: Logger) {
        self.answer = answer
        self.metrics = metrics
        self.logger = logger
        self.logsRequests = logger.logLevel <= .info
    }
}
