import NIOCore
import NIOHTTP1

/// When an HTTP/1 connection is idle, and when it may close: it counts the requests in
/// progress and the last traffic, closes the connection after `idleTimeout` without
/// traffic while no request is in progress or one is stalled mid-request (a slow upload),
/// and on graceful shutdown closes it at once when idle, else once its answers are out.
/// A request whose answer is being worked on or written out (a large file to a slow
/// client) is never cut short by the timeout.
///
/// ``DirectReadHandler`` keeps one per connection, because it sees every request and
/// answer there, the ones it answers itself included.
final class ConnectionActivity {
    private let idleTimeout: TimeAmount?
    private var inProgress = 0
    private var readingRequest = false
    private var lastTraffic: NIODeadline = .uptimeNanoseconds(0)
    private var closeWhenAnswered = false
    private var timer: Scheduled<Void>?

    init(idleTimeout: TimeAmount?) {
        self.idleTimeout = idleTimeout
    }

    /// The connection is open: the timeout starts.
    func start(_ context: ChannelHandlerContext) {
        lastTraffic = context.eventLoop.now
        arm(context, at: lastTraffic)
    }

    func stop() {
        timer?.cancel()
        timer = nil
    }

    /// A part of a request arrived.
    func read(_ part: HTTPServerRequestPart) {
        switch part {
        case .head:
            inProgress += 1
            readingRequest = true
        case .body:
            break
        case .end:
            readingRequest = false
        }
    }

    /// Notes traffic now; called once per read from the socket.
    func traffic(_ context: ChannelHandlerContext) {
        lastTraffic = context.eventLoop.now
    }

    /// An answer is out, its end written to the socket (at `now` on the event loop's clock,
    /// when the caller has just read it).
    func answered(_ context: ChannelHandlerContext, at now: NIODeadline? = nil) {
        inProgress = max(0, inProgress - 1)
        guard inProgress == 0, context.channel.isActive else { return }
        lastTraffic = now ?? context.eventLoop.now
        if closeWhenAnswered {
            context.flush()
            context.close(promise: nil)
        } else {
            arm(context, at: lastTraffic)
        }
    }

    /// Graceful shutdown: close now if idle, else once the answers in progress are out.
    func quiesce(_ context: ChannelHandlerContext) {
        if inProgress > 0 {
            closeWhenAnswered = true
        } else {
            context.close(promise: nil)
        }
    }

    private func arm(_ context: ChannelHandlerContext, at start: NIODeadline) {
        guard let idleTimeout, timer == nil else { return }
        timer = context.eventLoop.assumeIsolated().scheduleTask(deadline: start + idleTimeout) { [self] in
            timer = nil
            expired(context)
        }
    }

    private func expired(_ context: ChannelHandlerContext) {
        guard let idleTimeout, context.channel.isActive else { return }
        // Read whole and being answered: the answer's end re-arms the timeout.
        if inProgress > 0, !readingRequest { return }
        if context.eventLoop.now >= lastTraffic + idleTimeout {
            context.close(promise: nil)
        } else {
            arm(context, at: lastTraffic)
        }
    }
}
