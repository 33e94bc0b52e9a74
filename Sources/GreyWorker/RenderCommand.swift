import ArgumentParser
import Foundation
import Preview

/// `grey-worker render`: one preview of a local file, made by the same calls a job makes,
/// written to a file; prints the time the call took. For operators checking a file by
/// hand, and for `bench/preview`, which times it beside vipsthumbnail, ffmpeg and pdftoppm.
struct RenderCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "render", abstract: "Make one preview of a local file.")

    enum Kind: String, ExpressibleByArgument, CaseIterable {
        case thumbnail, still, page
    }

    @Argument(help: "thumbnail (an image), still (a video) or page (a PDF's first).")
    var kind: Kind

    @Argument(help: "The file to read.")
    var input: String

    @Argument(help: "Where to write the preview (JPEG, or PNG for a page).")
    var output: String

    @Option(help: "The side the preview fits in, in pixels.")
    var size = 1024

    func run() throws {
        guard (16...8192).contains(size) else { throw ValidationError("--size must be 16 to 8192") }
        // Started once per worker process, so not part of a preview's time.
        try Vips.start()
        let started = ContinuousClock.now
        let bytes: [UInt8]
        switch kind {
        case .thumbnail:
            bytes = try Vips.thumbnail(path: input, size: size).jpeg
        case .still:
            let still = try Media.still(path: input, at: 0.1, maximumSize: size)
            bytes = try Vips.encode(pixels: still.pixels, width: still.width, height: still.height, bands: 3, as: .jpeg)
        case .page:
            let document = try [UInt8](Data(contentsOf: URL(fileURLWithPath: input)))
            bytes = try PDF.firstPage(of: document, width: size, maximumHeight: size * 2).png
        }
        let elapsed = ContinuousClock.now - started
        try Data(bytes).write(to: URL(fileURLWithPath: output))
        let milliseconds = Double(elapsed.components.seconds) * 1000 + Double(elapsed.components.attoseconds) / 1e15
        print("\(kind.rawValue) \(bytes.count) bytes in \(String(format: "%.1f", milliseconds)) ms")
    }
}
