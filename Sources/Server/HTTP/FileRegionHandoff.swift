import Storage
import Synchronization

/// Hands a response's file from the route that chose it to the connection that sends it
/// (``FileRegionSender``), so the file's bytes go from the page cache to the socket with
/// `sendfile(2)` instead of being read into memory and written back out.
///
/// Hummingbird's response writer takes only buffers, so the route registers the open
/// file and names it in a private response field; the sender, which sits below
/// Hummingbird in the connection's pipeline, removes the field and writes the file in
/// place of the (empty) body. The field is never seen by a client, and a name with no
/// registered file closes the connection rather than answer without its bytes.
public final class FileRegionHandoff: Sendable {
    /// The response field that names a registered file.
    static let fieldName = "x-grey-file-region"
    /// How long a registered file waits to be sent before it is closed: a response that
    /// never reached its connection (the client left) must not keep a descriptor open.
    static let unclaimedLifetime: Duration = .seconds(60)

    struct Region: Sendable {
        let file: OpenBlobFile
        let range: Range<Int64>
        let registeredAt: ContinuousClock.Instant
    }

    private struct State {
        var nextName: UInt64 = 1
        var waiting: [UInt64: Region] = [:]
    }

    private let state = Mutex(State())
    private let sentCount = Atomic<Int>(0)

    public init() {}

    /// Registers `range` of `file` to be sent as a response's body; returns the value of
    /// ``fieldName`` that names it.
    func register(_ file: OpenBlobFile, range: Range<Int64>, now: ContinuousClock.Instant = .now) -> String {
        state.withLock { state in
            let name = state.nextName
            state.nextName += 1
            // Rarely anything waits for long; looking for the forgotten costs little then.
            if state.waiting.count >= 16 || name % 1024 == 0 {
                state.waiting = state.waiting.filter { now - $0.value.registeredAt < Self.unclaimedLifetime }
            }
            state.waiting[name] = Region(file: file, range: range, registeredAt: now)
            return String(name)
        }
    }

    /// The region `name` names, once: nil when unknown, taken or forgotten.
    func take(_ name: String) -> Region? {
        guard let number = UInt64(name) else { return nil }
        return state.withLock { $0.waiting.removeValue(forKey: number) }
    }

    /// Regions registered and not yet taken.
    public var waitingCount: Int { state.withLock { $0.waiting.count } }

    /// Regions written to a connection since the server started.
    public var sent: Int { sentCount.load(ordering: .relaxed) }

    func noteSent() { sentCount.add(1, ordering: .relaxed) }
}
