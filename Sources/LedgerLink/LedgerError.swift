/// A request the ledger refuses; the HTTP layer maps each case to a status and a stable code.
public enum LedgerError: Error, Equatable {
    /// A field is missing its required shape (`field`, and why).
    case invalidField(String, reason: String)
    /// The tenant already has a user with this external id.
    case userExists(externalID: String)
}
