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
        for job in waiting {
            let touches = touched(job)
            if taken.count < limit, !touches.contains(where: blocked.contains) {
                taken.append(job)
                accounts.formUnion(touches)
            } else {
                left.append(job)
                blocked.formUnion(touches)
            }
        }
    }
}
