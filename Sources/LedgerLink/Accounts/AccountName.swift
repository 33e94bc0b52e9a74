/// Names Grey gives the accounts it makes (a wallet's, a merchant's payable).
enum AccountName {
    /// The most code points an account name holds (`accounts.name`'s CHECK).
    static let limit = 255

    /// `prefix` and `subject`, cut to ``limit`` code points: a subject may itself be up to
    /// 255 long, and the account must still be made.
    static func derived(_ prefix: String, _ subject: String) -> String {
        var scalars = String.UnicodeScalarView()
        scalars.append(contentsOf: (prefix + subject).unicodeScalars.prefix(limit))
        return String(scalars)
    }
}
