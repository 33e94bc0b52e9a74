import Foundation
import Synchronization

/// nginx as Grey's edge cache (`nginx/run-edge.sh`) in front of a test origin, on a free
/// loopback port, with its own cache directory; stopped with SIGTERM.
final class EdgeProcess: Sendable {
    let port: Int
    let directory: String
    private let process: Process

    init(originPort: Int, signingKeys: String) throws {
        port = try Self.freePort()
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("grey-edge-\(UUID().uuidString)").path
        let script = URL(fileURLWithPath: Sample.folder).deletingLastPathComponent().appendingPathComponent("nginx/run-edge.sh").path
        process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/bash")
        process.arguments = [script, "127.0.0.1:\(port)", "127.0.0.1:\(originPort)", directory]
        process.environment = ProcessInfo.processInfo.environment.merging(["GREY_SIGNING_KEYS": signingKeys]) { _, new in new }
        process.standardOutput = FileHandle.nullDevice
        try process.run()
    }

    /// Waits until nginx accepts connections.
    func waitUntilListening() async throws {
        for _ in 0..<100 {
            if Self.accepts(port) { return }
            guard process.isRunning else { break }
            try await Task.sleep(for: .milliseconds(50))
        }
        let log = (try? String(contentsOfFile: directory + "/error.log", encoding: .utf8)) ?? ""
        throw UploadTestError("nginx did not start: \(log)")
    }

    func stop() {
        if process.isRunning {
            process.terminate()
            process.waitUntilExit()
        }
        try? FileManager.default.removeItem(atPath: directory)
    }

    /// A port nothing listens on now (the kernel's pick, released at once).
    static func freePort() throws -> Int {
        let socket = Glibc.socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard socket >= 0 else { throw UploadTestError("socket failed") }
        defer { close(socket) }
        var address = sockaddr_in(sin_family: sa_family_t(AF_INET), sin_port: 0, sin_addr: in_addr(s_addr: inet_addr("127.0.0.1")), sin_zero: (0, 0, 0, 0, 0, 0, 0, 0))
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(socket, $0, length) == 0 && getsockname(socket, $0, &length) == 0 }
        }
        guard bound else { throw UploadTestError("bind failed") }
        return Int(UInt16(bigEndian: address.sin_port))
    }

    static func accepts(_ port: Int) -> Bool {
        let socket = Glibc.socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard socket >= 0 else { return false }
        defer { close(socket) }
        var address = sockaddr_in(sin_family: sa_family_t(AF_INET), sin_port: UInt16(port).bigEndian, sin_addr: in_addr(s_addr: inet_addr("127.0.0.1")), sin_zero: (0, 0, 0, 0, 0, 0, 0, 0))
        return withUnsafePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(socket, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) == 0 }
        }
    }
}
