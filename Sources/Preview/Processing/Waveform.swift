/// An audio file's loudness over time as an 8-bit grey picture: one column per peak,
/// a bar mirrored about the middle, dark on white.
struct Waveform {
    let width: Int
    let height: Int
    let pixels: [UInt8]

    /// - Parameter peaks: each column's peak amplitude, 0...1 (out-of-range values clamped).
    init(peaks: [Float], height: Int) {
        let width = max(1, peaks.count)
        var pixels = [UInt8](repeating: 255, count: width * height)
        let middle = height / 2
        for (x, peak) in peaks.enumerated() {
            let amplitude = peak.isFinite ? min(1, max(0, peak)) : 0
            let reach = max(0, Int((amplitude * Float(middle - 1)).rounded()))
            for y in max(0, middle - reach)...min(height - 1, middle + reach) {
                pixels[y * width + x] = 48
            }
        }
        self.width = width
        self.height = height
        self.pixels = pixels
    }
}
