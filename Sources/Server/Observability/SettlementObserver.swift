import Foundation
import Ingest
import Synchronization

/// Feeds the upload-to-settled histogram at each scrape from the files that became ready
/// or rejected since the previous one (the workers are other processes, so the server
/// reads what they recorded). Starts from the server's start; concurrent scrapes do not
/// count a file twice.
final class SettlementObserver: Sendable {
    private struct State {
        var watermark: Date
        var isBusy: Bool
    }

    private let state = Mutex(State(watermark: Date(), isBusy: false))

    func observe(files: FileStore, metrics: HTTPMetrics) async {
        let since: Date? = state.withLock { state in
            guard !state.isBusy else { return nil }
            state.isBusy = true
            return state.watermark
        }
        guard let since else { return }
        var latest = since
        if let settled = try? await files.settled(after: since) {
            for file in settled {
                metrics.recordSettlement(outcome: file.status.rawValue, duration: .milliseconds(Int64((file.seconds * 1000).rounded())))
                latest = max(latest, file.settledAt)
            }
        }
        state.withLock { state in
            state.watermark = latest
            state.isBusy = false
        }
    }
}
