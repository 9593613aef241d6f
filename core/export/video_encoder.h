// VideoEncoder: streams RGBA frames into a video file through FFmpeg's libraries (libavformat,
// libavcodec, libswscale): H.264 via libx264 in MP4 (CRF, preset, +faststart), MPEG-4 Part 2 in
// MP4 (the non-GPL-codec fallback), VP9 in WebM, or a PNG sequence in a folder. Frames are encoded
// as they arrive (no whole video in memory). The output appears only on finish(): everything is
// written to a temporary sibling and renamed; abort() or destruction without finish() removes it.
// Thread: one thread at a time; no Qt.
#pragma once

#include <cstdint>
#include <filesystem>
#include <memory>
#include <string>

#include "core/result.h"

namespace kinema {

enum class VideoCodec { H264, Mpeg4, Vp9, PngSequence };
const char* video_codec_name(VideoCodec codec);  // "h264", "mpeg4", "vp9", "png"
// "h264"/"mp4", "mpeg4", "vp9"/"webm", "png" -> codec. InvalidRequest otherwise.
Result<VideoCodec> parse_video_codec(const std::string& name);

struct VideoEncoderOptions {
    int width = 1280;  // even (yuv420p)
    int height = 720;
    int fps = 30;
    VideoCodec codec = VideoCodec::H264;
    int crf = 16;                   // H.264 / VP9 quality, 0 = lossless (H.264); ignored for png
    std::string preset = "medium";  // x264 preset
    std::string comment;            // stored as the container's comment (settings JSON)
};

class VideoEncoder {
public:
    // Opens the encoder; Unsupported if this FFmpeg lacks the codec (libx264 may be absent: fall
    // back to Mpeg4 or Vp9), InvalidRequest for odd sizes or fps <= 0, Io if the folder refuses.
    static Result<std::unique_ptr<VideoEncoder>> open(const std::filesystem::path& output,
                                                      const VideoEncoderOptions& options);
    ~VideoEncoder();
    VideoEncoder(const VideoEncoder&) = delete;
    VideoEncoder& operator=(const VideoEncoder&) = delete;

    // One frame: width x height RGBA8 pixels, rows `stride_bytes` apart, top row first.
    Status add_frame(const uint8_t* rgba, int stride_bytes);
    // Flushes, writes the trailer, renames into place. The encoder is unusable afterwards.
    Status finish();
    // Drops everything written so far (no file is left). Safe to call more than once.
    void abort();

    int64_t frames_written() const;

private:
    struct Impl;
    explicit VideoEncoder(std::unique_ptr<Impl> impl);
    std::unique_ptr<Impl> impl_;
};

}  // namespace kinema
