import Foundation
import Synchronization
import Testing

/// The built `grey` executable run as a child process, its output collected as it comes.
final class GreyProcess: Sendable {
    private let process: Process
    private let standardOutput = OutputBuffer()
    private let standardError = OutputBuffer()

    /// The `grey` binary next to the test bundle (`swift build --build-tests` builds both).
    static var executable: URL {
        if let path = ProcessInfo.processInfo.environment["GREY_BINARY"] { return URL(fileURLWithPath: path) }
        return URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent().appendingPathComponent("grey")
    }

    /// Starts `grey arguments...` with only the variables in `environment` added.
    init(_ arguments: [String], environment: [String: String] = [:]) throws {
        process = Process()
        process.executableURL = Self.executable
        process.arguments = arguments
        process.environment = ProcessInfo.processInfo.environment
            .filter { !$0.key.hasPrefix("GREY_") }
            .merging(environment) { _, new in new }
        process.standardInput = FileHandle.nullDevice
        let outputPipe = Pipe()
        let errorPipe = Pipe()
        process.standardOutput = outputPipe
        process.standardError = errorPipe
        outputPipe.fileHandleForReading.readabilityHandler = { [standardOutput] handle in
            let chunk = handle.availableData
            standardOutput.append(chunk)
        }
        errorPipe.fileHandleForReading.readabilityHandler = { [standardError] handle in
            let chunk = handle.availableData
            standardError.append(chunk)
        }
        try process.run()
    }

    var pid: Int32 { process.processIdentifier }
    var output: String { standardOutput.text }
    var errors: String { standardError.text }

    /// Waits until the process exits (or `timeout` passes) and returns its status.
    func waitForExit(timeout: Duration = .seconds(60)) async throws -> Int32 {
        let deadline = ContinuousClock.now + timeout
        while process.isRunning {
            guard ContinuousClock.now < deadline else {
                process.terminate()
                throw GreyProcessError.timedOut("exit", output: output + errors)
            }
            try await Task.sleep(for: .milliseconds(50))
        }
        return process.terminationStatus
    }

    /// Polls standard error until `predicate` finds what it wants.
    func waitForError<Value>(timeout: Duration = .seconds(90), _ predicate: (String) -> Value?) async throws -> Value {
        let deadline = ContinuousClock.now + timeout
        while ContinuousClock.now < deadline {
            if let value = predicate(errors) { return value }
            guard process.isRunning else { throw GreyProcessError.exited(output: output + errors) }
            try await Task.sleep(for: .milliseconds(50))
        }
        throw GreyProcessError.timedOut("output", output: output + errors)
    }

    func signal(_ signal: Int32) {
        kill(process.processIdentifier, signal)
    }

    /// Runs a one-off `grey` command to completion and returns its standard output.
    static func run(_ arguments: [String]) async throws -> (status: Int32, output: String) {
        let child = try GreyProcess(arguments)
        let status = try await child.waitForExit()
        try await Task.sleep(for: .milliseconds(50))  // let the last output chunks arrive
        return (status, child.output)
    }
}

enum GreyProcessError: Error, CustomStringConvertible {
    case timedOut(String, output: String)
    case exited(output: String)

    var description: String {
        switch self {
        case .timedOut(let what, let output): "timed out waiting for \(what); output so far:\n\(output)"
        case .exited(let output): "grey exited early; output:\n\(output)"
        }
    }
}

/// Bytes a child process has written so far.
final class OutputBuffer: Sendable {
    private let data = Mutex(Data())

    func append(_ chunk: Data) {
        data.withLock { $0.append(chunk) }
    }

    var text: String { data.withLock { String(decoding: $0, as: UTF8.self) } }
}
