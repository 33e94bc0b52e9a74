import Storage
/// Why an S3 call or the store's configuration failed: the operation, and for an answer
/// from the server its HTTP status and S3 error code. Never holds credentials, signatures
/// or request URLs.
public struct S3Error: Error, Equatable, CustomStringConvertible {
    /// The S3 operation (`PutObject`, `UploadPart`, …) or `configuration`.
    public let operation: String
    /// The HTTP status of the server's answer, if there was one.
    public let status: UInt?
    /// S3's `<Code>` (`SignatureDoesNotMatch`, `NoSuchBucket`, …), if the answer had one.
    public let code: String?
    /// S3's `<Message>`, or what went wrong on this side.
    public let message: String?

    public init(operation: String, status: UInt? = nil, code: String? = nil, message: String? = nil) {
        self.operation = operation
        self.status = status
        self.code = code
        self.message = message.map(Self.printable)
    }

    static func configuration(_ message: String) -> Self { Self(operation: "configuration", message: message) }

    public var description: String {
        if operation == "configuration" { return "invalid S3 blob store configuration: \(message ?? "")" }
        var text = "S3 \(operation) failed"
        if let status { text += ": HTTP \(status)" }
        if let code { text += " \(code)" }
        if let message { text += (status == nil && code == nil ? ": " : " (") + message + (status == nil && code == nil ? "" : ")") }
        return text
    }

    /// At most 300 characters of printable text: a server's message goes into logs.
    private static func printable(_ text: String) -> String {
        String(text.unicodeScalars.filter { $0.value >= 0x20 && $0.value != 0x7F }.prefix(300).map(Character.init))
    }
}
