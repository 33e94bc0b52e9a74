import Ingest

extension FileInspection {
    /// Videos: the container opens with a decodable video stream, a frame size and a
    /// length within limits, then a frame near a tenth of the way in becomes the still.
    func video() throws -> ProcessedFile {
        let info = try probe()
        guard let video = info.video else { throw FileRejection.corrupt("there is no decodable video stream") }
        guard video.width > 0, video.height > 0 else { throw FileRejection.corrupt("the video stream has no frame size") }
        guard video.width.multipliedReportingOverflow(by: video.height).partialValue <= limits.maximumPixels,
              video.width <= limits.maximumPixels, video.height <= limits.maximumPixels
        else { throw FileRejection.tooManyPixels(width: video.width, height: video.height, limit: limits.maximumPixels) }
        let still: RGBImage
        do { still = try Media.still(path: path, at: 0.1, maximumSize: limits.stillSize) } catch {
            throw FileRejection.decodeFailure("no frame decodes", error.message)
        }
        let jpeg = try Vips.encode(pixels: still.pixels, width: still.width, height: still.height, bands: 3, as: .jpeg)
        return ProcessedFile(
            media: FileMedia(
                width: video.width, height: video.height, durationMs: info.durationMs, videoCodec: video.codec,
                audioCodec: info.audio?.codec, sampleRate: info.audio?.sampleRate, channels: info.audio?.channels
            ),
            previews: [PreviewImage(kind: .still, width: still.width, height: still.height, contentType: "image/jpeg", bytes: jpeg)]
        )
    }

    /// Audio: a decodable audio stream within the length limit, decoded whole (under a
    /// sample cap) into a waveform picture.
    func audio() throws -> ProcessedFile {
        let info = try probe()
        guard let audio = info.audio else { throw FileRejection.corrupt("there is no decodable audio stream") }
        let peaks: [Float]
        do {
            peaks = try Media.waveform(path: path, columns: limits.waveformWidth, maximumSamples: limits.maximumAudioSamples)
        } catch {
            throw FileRejection.decodeFailure("the audio does not decode", error.message)
        }
        let picture = Waveform(peaks: peaks, height: limits.waveformHeight)
        let png = try Vips.encode(pixels: picture.pixels, width: picture.width, height: picture.height, bands: 1, as: .png)
        return ProcessedFile(
            media: FileMedia(durationMs: info.durationMs, audioCodec: audio.codec, sampleRate: audio.sampleRate, channels: audio.channels),
            previews: [PreviewImage(kind: .waveform, width: picture.width, height: picture.height, contentType: "image/png", bytes: png)]
        )
    }

    /// The container's streams and length, the length within the limit.
    private func probe() throws -> MediaInfo {
        let info: MediaInfo
        do { info = try Media.probe(path: path) } catch { throw FileRejection.decodeFailure("the container does not open", error.message) }
        if let duration = info.durationMs, duration > limits.maximumDurationMs {
            throw FileRejection("too_long", "\(duration / 1000) s is longer than \(limits.maximumDurationMs / 1000) s")
        }
        return info
    }
}
