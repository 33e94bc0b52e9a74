import Preview
import Testing

/// libavformat on the sample media: durations, codecs and sizes, and refusals.
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
}
