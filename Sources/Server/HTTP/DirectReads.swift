public import Logging
import Origin
import Synchronization

/// Signed reads answered on the connection, below Hummingbird (``DirectReadHandler``):
/// a hot file's bytes or preview, whose metadata and open blob file are already in
/// memory, need no task, no router and no middleware, which is most of what a read costs.
///
/// The router installs what answers them (``install(_:)``); a server whose channel is
/// ``GreyHTTP1Channel`` with the same instance then uses it. Every other request, and
/// every read that needs to wait for something, goes to the router as before.
public final class DirectReads: Sendable {
    private let answerer = Mutex<DirectReadAnswerer?>(nil)
    private let enabled = Atomic<Bool>(true)
    private let answered = Atomic<Int>(0)
    /// The `Server` field Hummingbird adds to every answer, if any.
    let serverName: String?

    public init(serverName: String? = nil) {
        self.serverName = serverName
    }

    func install(_ answerer: DirectReadAnswerer) {
        self.answerer.withLock { $0 = answerer }
    }

    /// What answers direct reads, once the router has installed it.
    var installed: DirectReadAnswerer? { answerer.withLock { $0 } }

    /// Whether reads are answered directly (on unless switched off); off, the router
    /// answers every read, which is how the tests compare the two.
    public var isEnabled: Bool {
        get { enabled.load(ordering: .relaxed) }
        set { enabled.store(newValue, ordering: .relaxed) }
    }

    /// Reads answered directly since the server started.
    public var answeredCount: Int { answered.load(ordering: .relaxed) }

    func noteAnswered() {
        answered.add(1, ordering: .relaxed)
    }
}

/// The router's side of direct reads: the decision (``SignedReads/directAnswer(target:request:)``)
/// and what the middleware would have done around it (the access log and the metrics).
struct DirectReadAnswerer: Sendable {
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
