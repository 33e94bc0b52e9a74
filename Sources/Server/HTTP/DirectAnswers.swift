import Synchronization

/// Requests answered on the connection, below Hummingbird, by what the router installs
/// (``install(_:)``): hot signed reads (``DirectReads``, answered by ``DirectReadHandler``)
/// and money-moving POSTs with a fixed path (``DirectPostings``, ``DirectPostingHandler``).
/// They need no task per request, no conversion to Swift HTTP Types, no router and no
/// middleware chain, which is most of what a small request costs.
///
/// A server whose channel is ``GreyHTTP1Channel`` with the same instance uses what was
/// installed; until then, and for every other request, the router answers.
public final class DirectAnswers<Answerer: Sendable>: Sendable {
    private let answerer = Mutex<Answerer?>(nil)
    private let enabled = Atomic<Bool>(true)
    private let answered = Atomic<Int>(0)
    /// The `Server` field Hummingbird adds to every answer, if any.
    let serverName: String?

    public init(serverName: String? = nil) {
        self.serverName = serverName
    }

    func install(_ answerer: Answerer) {
        self.answerer.withLock { $0 = answerer }
    }

    /// What answers, once the router has installed it.
    var installed: Answerer? { answerer.withLock { $0 } }

    /// Whether these requests are answered on the connection (on unless switched off);
    /// off, the router answers them, which is how the tests compare the two.
    public var isEnabled: Bool {
        get { enabled.load(ordering: .relaxed) }
        set { enabled.store(newValue, ordering: .relaxed) }
    }

    /// Requests answered on the connection since the server started.
    public var answeredCount: Int { answered.load(ordering: .relaxed) }

    func noteAnswered() {
        answered.add(1, ordering: .relaxed)
    }
}
