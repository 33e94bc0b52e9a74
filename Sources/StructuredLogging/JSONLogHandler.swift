import Foundation
public import Logging
import Synchronization

#if canImport(Glibc)
import Glibc
#endif

/// Writes each log event as one JSON object on one line of standard output (or error):
/// `{"time":..., "level":..., "label":..., "message":..., <metadata>...}`.
public struct JSONLogHandler: LogHandler {
    public var logLevel: Logger.Level
    public var metadata: Logger.Metadata = [:]
    public var metadataProvider: Logger.MetadataProvider?
    private let label: String
    private let fileDescriptor: Int32

    public init(label: String, level: Logger.Level = .info, fileDescriptor: Int32 = 1) {
        self.label = label
        self.logLevel = level
        self.fileDescriptor = fileDescriptor
    }

    public subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    public func log(event: LogEvent) {
        var merged = metadata
        if let provided = metadataProvider?.get() { merged.merge(provided) { _, new in new } }
        if let extra = event.metadata { merged.merge(extra) { _, new in new } }
        var line = "{\"time\":\(Self.quote(Date().formatted(Date.ISO8601FormatStyle(includingFractionalSeconds: true))))"
        line += ",\"level\":\(Self.quote(event.level.rawValue)),\"label\":\(Self.quote(label))"
        line += ",\"message\":\(Self.quote(event.message.description))"
        for (key, value) in merged.sorted(by: { $0.key < $1.key }) {
            line += ",\(Self.quote(key)):\(Self.render(value))"
        }
        if let error = event.error { line += ",\"error\":\(Self.quote(String(reflecting: error)))" }
        line += "}\n"
        Self.output.withLock { _ in
            var bytes = Array(line.utf8)[...]
            while !bytes.isEmpty {
                let written = bytes.withUnsafeBytes { write(fileDescriptor, $0.baseAddress, $0.count) }
                guard written > 0 || (written < 0 && errno == EINTR) else { return }
                bytes = bytes.dropFirst(max(written, 0))
            }
        }
    }

    private static let output = Mutex(())

    private static func render(_ value: Logger.Metadata.Value) -> String {
        switch value {
        case .string(let string): quote(string)
        case .stringConvertible(let convertible):
            convertible is any BinaryInteger || convertible is Double ? "\(convertible)" : quote(convertible.description)
        case .array(let values): "[" + values.map(render).joined(separator: ",") + "]"
        case .dictionary(let values):
            "{" + values.sorted(by: { $0.key < $1.key }).map { "\(quote($0.key)):\(render($0.value))" }.joined(separator: ",") + "}"
        }
    }

    /// A JSON string literal for `text`.
    static func quote(_ text: String) -> String {
        var result = "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": result += "\\\""
            case "\\": result += "\\\\"
            case "\n": result += "\\n"
            case "\r": result += "\\r"
            case "\t": result += "\\t"
            case _ where scalar.value < 0x20: result += String(format: "\\u%04x", scalar.value)
            default: result.unicodeScalars.append(scalar)
            }
        }
        return result + "\""
    }
}
