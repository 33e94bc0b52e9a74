/// Which waiting requests a posting runner takes for its batch while other batches are in
/// flight: in queue order, up to a limit, every request that touches none of the accounts
/// those batches lock. A request left waiting holds back every later request on its
/// accounts too, so requests on one account are always posted in queue order.
struct BatchSelection<Job> {
    /// The requests the batch takes, in queue order.
    var taken: [Job] = []
    /// The requests left waiting, in queue order.
    var left: [Job] = []
    /// The accounts the taken requests touch (the batch's locks).
    var accounts: Set<AccountKey> = []

    init(from waiting: [Job], busy: Set<AccountKey>, limit: Int, accounts touched: (Job) -> [AccountKey]) {
        var blocked = busy
        for (position, job) in waiting.enumerated() {
            // Once the batch is full, the rest wait as they are, unread: under overload
            // the queue is long and this runs under the queue's lock.
            guard taken.count < limit else {
                left.append(contentsOf: waiting[position...])
                break
            }
            let touches = touched(job)
            if !touches.contains(where: blocked.contains) {
                taken.append(job)
                accounts.formUnion(touches)
            } else {
                left.append(job)
                blocked.formUnion(touches)
            }
        }
    }
}
