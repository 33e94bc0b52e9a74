import Preview
import Testing

/// libavformat on the sample media: durations, codecs and sizes, stills, waveforms, and refusals.
@Suite struct MediaTests {
    static func path(_ sample: String) -> String { Sample.folder + "/" + sample }

    @Test(arguments: ["clip.mp4", "clip.mov"])
    func videosGiveDurationCodecsAndSize(_ name: String) throws {
        let sample = Sample.named(name)
        let info = try Media.probe(path: Self.path(name))
        #expect(abs((info.durationMs ?? 0) - (sample.durationMs ?? -1000)) <= 100)
        #expect(info.video == .init(codec: "h264", width: 320, height: 240))
        #expect(info.audio?.codec == "aac")
    }

    @Test func audioGivesDurationRateAndChannels() throws {
        let mp3 = try Media.probe(path: Self.path("tone.mp3"))
        #expect(mp3.video == nil)
        #expect(mp3.audio == .init(codec: "mp3", sampleRate: 44_100, channels: 1))
        #expect(abs((mp3.durationMs ?? 0) - (Sample.named("tone.mp3").durationMs ?? -1000)) <= 100)
        let wav = try Media.probe(path: Self.path("tone.wav"))
        #expect(wav.audio == .init(codec: "pcm_s16le", sampleRate: 22_050, channels: 1))
        #expect(abs((wav.durationMs ?? 0) - 1000) <= 100)
    }

    @Test(arguments: ["bad/truncated.mp4", "bad/html-named.jpg", "bad/empty.jpg"])
    func brokenOrForeignFilesAreRefused(_ name: String) {
        #expect(throws: MediaError.self) { try Media.probe(path: Self.path(name)) }
    }

    @Test(arguments: ["clip.mp4", "clip.mov"])
    func videosGiveAStillAtTheirSizeOrSmaller(_ name: String) throws {
        let full = try Media.still(path: Self.path(name), maximumSize: 1024)
        #expect(full.width == 320 && full.height == 240)
        #expect(full.pixels.count == 320 * 240 * 3)
        let small = try Media.still(path: Self.path(name), maximumSize: 160)
        #expect(small.width == 160 && small.height == 120)
        #expect(small.pixels.count == 160 * 120 * 3)
        let narrow = try Media.still(path: Self.path(name), maximumSize: 100)
        #expect(narrow.width == 100 && narrow.height == 75)
        // Not black (ffmpeg measures this clip's frames at a mean of about 124).
        let mean = Double(small.pixels.reduce(0) { $0 + Int($1) }) / Double(small.pixels.count)
        #expect(mean > 60)
    }

    @Test func stillsComeFromTheRequestedTime() throws {
        let path = Self.path("clip.mp4")
        let first = try Media.still(path: path, at: 0, maximumSize: 160)
        let tenth = try Media.still(path: path, at: 0.1, maximumSize: 160)
        #expect(tenth == (try Media.still(path: path, maximumSize: 160)))
        #expect(tenth.pixels != first.pixels)
        // Past the end: still a frame, not an error.
        let last = try Media.still(path: path, at: 5, maximumSize: 160)
        #expect(last.width == 160 && last.height == 120)
    }

    @Test(arguments: ["bad/truncated.mp4", "tone.mp3", "tone.wav", "photo.jpg", "bad/empty.jpg"])
    func filesWithoutADecodableVideoGiveNoStill(_ name: String) {
        // truncated.mp4 has no moov atom, so it does not open at all.
        #expect(throws: MediaError.self) { try Media.still(path: Self.path(name), maximumSize: 160) }
    }

    @Test func stillRefusesANonPositiveSize() {
        #expect(throws: MediaError.self) { try Media.still(path: Self.path("clip.mp4"), maximumSize: 0) }
    }

    @Test(arguments: ["tone.wav", "tone.mp3"])
    func tonesGiveAFlatWaveform(_ name: String) throws {
        let peaks = try Media.waveform(path: Self.path(name), columns: 200, maximumSamples: 10_000_000)
        #expect(peaks.count == 200)
        #expect(peaks.allSatisfy { $0.isFinite && (0...1).contains($0) })
        // A 440 Hz sine at 0.125 (ffmpeg's astats says 0.125 and 0.119) across the whole file.
        #expect(peaks.filter { $0 > 0.1 }.count >= 190)
        #expect(abs((peaks.max() ?? 0) - 0.125) < 0.02)
    }

    @Test func videosGiveTheirSoundtracksWaveform() throws {
        let peaks = try Media.waveform(path: Self.path("clip.mp4"), columns: 50, maximumSamples: 10_000_000)
        #expect(peaks.count == 50)
        #expect(peaks.filter { $0 > 0.05 }.count >= 40)
    }

    @Test(arguments: ["photo.jpg", "bad/truncated.mp4", "bad/empty.jpg"])
    func filesWithoutAudioGiveNoWaveform(_ name: String) {
        #expect(throws: MediaError.self) {
            try Media.waveform(path: Self.path(name), columns: 200, maximumSamples: 10_000_000)
        }
    }

    @Test func waveformStopsAtTheSampleLimit() throws {
        // tone.wav holds 22,050 samples.
        #expect(throws: MediaError.self) {
            try Media.waveform(path: Self.path("tone.wav"), columns: 200, maximumSamples: 22_049)
        }
        _ = try Media.waveform(path: Self.path("tone.wav"), columns: 200, maximumSamples: 22_050)
    }

    @Test func waveformRefusesImpossibleColumnCounts() {
        for columns in [0, -1, 1 << 20] {
            #expect(throws: MediaError.self) {
                try Media.waveform(path: Self.path("tone.wav"), columns: columns, maximumSamples: 10_000_000)
            }
        }
    }
}
