import Foundation
import Origin

/// The `Date` field of answers written on the connection, formatted once a second.
struct DateField {
    private var second: Int64 = 0
    private var text = ""

    mutating func current() -> String {
        let now = Int64(Date().timeIntervalSince1970)
        if now != second { (second, text) = (now, HTTPDate.format(now)) }
        return text
    }
}
