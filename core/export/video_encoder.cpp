#include "core/export/video_encoder.h"

extern "C" {
#include <libavcodec/avcodec.h>
#include <libavformat/avformat.h>
#include <libavutil/dict.h>
#include <libavutil/imgutils.h>
#include <libavutil/log.h>
#include <libavutil/opt.h>
#include <libswscale/swscale.h>
}

#include <cstdio>
#include <fstream>
#include <random>
#include <system_error>

namespace kinema {
namespace fs = std::filesystem;
namespace {

std::string av_error(int code) {
    char buf[AV_ERROR_MAX_STRING_SIZE] = {};
    av_strerror(code, buf, sizeof buf);
    return buf;
}

fs::path temporary_sibling(const fs::path& output) {
    std::random_device rd;
    return output.parent_path() /
           (output.filename().string() + ".tmp-" + std::to_string(rd() % 1000000));
}

}  // namespace

const char* video_codec_name(VideoCodec codec) {
    switch (codec) {
        case VideoCodec::H264:
            return "h264";
        case VideoCodec::Mpeg4:
            return "mpeg4";
        case VideoCodec::Vp9:
            return "vp9";
        case VideoCodec::PngSequence:
            return "png";
    }
    return "?";
}

Result<VideoCodec> parse_video_codec(const std::string& name) {
    if (name == "h264" || name == "mp4") return VideoCodec::H264;
    if (name == "mpeg4") return VideoCodec::Mpeg4;
    if (name == "vp9" || name == "webm") return VideoCodec::Vp9;
    if (name == "png") return VideoCodec::PngSequence;
    return make_error(ErrorKind::InvalidRequest,
                      "unknown video codec '" + name + "' (h264, mpeg4, vp9, png)");
}

struct VideoEncoder::Impl {
    VideoEncoderOptions options;
    fs::path output, temp;
    AVFormatContext* format = nullptr;
    AVCodecContext* codec = nullptr;
    AVStream* stream = nullptr;
    SwsContext* sws = nullptr;
    AVFrame* frame = nullptr;
    AVPacket* packet = nullptr;
    int64_t frames = 0;
    bool done = false;

    ~Impl() { release(); }

    void release() {
        if (format && !(format->oformat->flags & AVFMT_NOFILE) && format->pb)
            avio_closep(&format->pb);
        avformat_free_context(format);
        format = nullptr;
        avcodec_free_context(&codec);
        sws_freeContext(sws);
        sws = nullptr;
        av_frame_free(&frame);
        av_packet_free(&packet);
    }

    void remove_temp() {
        std::error_code ec;
        fs::remove_all(temp, ec);
    }

    // Sends `f` (nullptr flushes) and writes every packet the encoder returns.
    Status encode(AVFrame* f) {
        int rc = avcodec_send_frame(codec, f);
        if (rc < 0)
            return make_error(ErrorKind::Internal,
                              "video encoder refused a frame: " + av_error(rc));
        while (true) {
            rc = avcodec_receive_packet(codec, packet);
            if (rc == AVERROR(EAGAIN) || rc == AVERROR_EOF) return {};
            if (rc < 0)
                return make_error(ErrorKind::Internal, "video encoding failed: " + av_error(rc));
            if (options.codec == VideoCodec::PngSequence) {
                char name[32];
                std::snprintf(name, sizeof name, "frame_%06lld.png",
                              static_cast<long long>(packet->pts + 1));
                std::ofstream out(temp / name, std::ios::binary);
                out.write(reinterpret_cast<const char*>(packet->data), packet->size);
                av_packet_unref(packet);
                if (!out)
                    return make_error(ErrorKind::Io, "cannot write " + (temp / name).string());
                continue;
            }
            // libx264 leaves durations at 0; without them the MP4 edit list drops the last frame.
            if (packet->duration == 0) packet->duration = 1;
            av_packet_rescale_ts(packet, codec->time_base, stream->time_base);
            packet->stream_index = stream->index;
            rc = av_interleaved_write_frame(format, packet);
            if (rc < 0)
                return make_error(ErrorKind::Io, "writing the video failed: " + av_error(rc));
        }
    }

    Status open() {
        const bool png = options.codec == VideoCodec::PngSequence;
        const AVCodec* enc = nullptr;
        switch (options.codec) {
            case VideoCodec::H264:
                enc = avcodec_find_encoder_by_name("libx264");
                break;
            case VideoCodec::Mpeg4:
                enc = avcodec_find_encoder(AV_CODEC_ID_MPEG4);
                break;
            case VideoCodec::Vp9:
                enc = avcodec_find_encoder_by_name("libvpx-vp9");
                break;
            case VideoCodec::PngSequence:
                enc = avcodec_find_encoder(AV_CODEC_ID_PNG);
                break;
        }
        if (!enc)
            return make_error(
                ErrorKind::Unsupported,
                std::string("this FFmpeg has no ") + video_codec_name(options.codec) + " encoder");
        if (png) {
            std::error_code ec;
            fs::create_directories(temp, ec);
            if (ec)
                return make_error(ErrorKind::Io,
                                  "cannot create " + temp.string() + ": " + ec.message());
        } else {
            const char* muxer = options.codec == VideoCodec::Vp9 ? "webm" : "mp4";
            int rc = avformat_alloc_output_context2(&format, nullptr, muxer, temp.c_str());
            if (rc < 0 || !format)
                return make_error(ErrorKind::Internal, "no " + std::string(muxer) + " muxer");
            stream = avformat_new_stream(format, nullptr);
            if (!stream) return make_error(ErrorKind::OutOfMemory, "cannot add a video stream");
        }
        codec = avcodec_alloc_context3(enc);
        frame = av_frame_alloc();
        packet = av_packet_alloc();
        if (!codec || !frame || !packet)
            return make_error(ErrorKind::OutOfMemory, "cannot allocate the encoder");
        codec->width = options.width;
        codec->height = options.height;
        codec->time_base = AVRational{1, options.fps};
        codec->framerate = AVRational{options.fps, 1};
        codec->pix_fmt = png ? AV_PIX_FMT_RGBA : AV_PIX_FMT_YUV420P;
        codec->gop_size = options.fps * 2;
        if (format && (format->oformat->flags & AVFMT_GLOBALHEADER))
            codec->flags |= AV_CODEC_FLAG_GLOBAL_HEADER;
        AVDictionary* opts = nullptr;
        if (options.codec == VideoCodec::H264) {
            av_dict_set(&opts, "preset", options.preset.c_str(), 0);
            av_dict_set(&opts, "crf", std::to_string(options.crf).c_str(), 0);
        } else if (options.codec == VideoCodec::Vp9) {
            av_dict_set(&opts, "crf", std::to_string(std::max(options.crf, 4)).c_str(), 0);
            av_dict_set(&opts, "b", "0", 0);
            av_dict_set(&opts, "row-mt", "1", 0);
            av_dict_set(&opts, "deadline", "good", 0);
            av_dict_set(&opts, "cpu-used", "4", 0);
        } else if (options.codec == VideoCodec::Mpeg4) {
            codec->bit_rate =
                static_cast<int64_t>(options.width) * options.height * options.fps / 4;
        }
        int rc = avcodec_open2(codec, enc, &opts);
        av_dict_free(&opts);
        if (rc < 0)
            return make_error(ErrorKind::Internal,
                              "cannot open the video encoder: " + av_error(rc));
        frame->format = codec->pix_fmt;
        frame->width = options.width;
        frame->height = options.height;
        if ((rc = av_frame_get_buffer(frame, 0)) < 0)
            return make_error(ErrorKind::OutOfMemory,
                              "cannot allocate a video frame: " + av_error(rc));
        sws =
            sws_getContext(options.width, options.height, AV_PIX_FMT_RGBA, options.width,
                           options.height, codec->pix_fmt, SWS_BICUBIC, nullptr, nullptr, nullptr);
        if (!sws) return make_error(ErrorKind::Internal, "cannot create the pixel converter");
        if (png) return {};
        if ((rc = avcodec_parameters_from_context(stream->codecpar, codec)) < 0)
            return make_error(ErrorKind::Internal, "codec parameters: " + av_error(rc));
        stream->time_base = codec->time_base;
        if (!options.comment.empty())
            av_dict_set(&format->metadata, "comment", options.comment.c_str(), 0);
        if ((rc = avio_open(&format->pb, temp.c_str(), AVIO_FLAG_WRITE)) < 0)
            return make_error(ErrorKind::Io, "cannot write " + temp.string() + ": " + av_error(rc));
        AVDictionary* mux = nullptr;
        if (options.codec != VideoCodec::Vp9) av_dict_set(&mux, "movflags", "+faststart", 0);
        rc = avformat_write_header(format, &mux);
        av_dict_free(&mux);
        if (rc < 0)
            return make_error(ErrorKind::Io, "cannot write the video header: " + av_error(rc));
        return {};
    }
};

VideoEncoder::VideoEncoder(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}

VideoEncoder::~VideoEncoder() {
    abort();
}

Result<std::unique_ptr<VideoEncoder>> VideoEncoder::open(const fs::path& output,
                                                         const VideoEncoderOptions& o) {
    if (o.width <= 0 || o.height <= 0 || o.width % 2 || o.height % 2 || o.width > 8192 ||
        o.height > 8192)
        return make_error(ErrorKind::InvalidRequest,
                          "video size must be even and at most 8192, got " +
                              std::to_string(o.width) + "x" + std::to_string(o.height));
    if (o.fps <= 0 || o.fps > 240)
        return make_error(ErrorKind::InvalidRequest, "fps must be in 1..240");
    if (o.crf < 0 || o.crf > 63)
        return make_error(ErrorKind::InvalidRequest, "crf must be in 0..63");
    av_log_set_level(AV_LOG_ERROR);  // FFmpeg's own (process-wide) chatter: errors only
    auto impl = std::make_unique<Impl>();
    impl->options = o;
    impl->output = output;
    impl->temp = temporary_sibling(output);
    if (auto s = impl->open(); !s.ok()) {
        impl->release();
        impl->remove_temp();
        return s.error();
    }
    return std::unique_ptr<VideoEncoder>(new VideoEncoder(std::move(impl)));
}

Status VideoEncoder::add_frame(const uint8_t* rgba, int stride_bytes) {
    auto& m = *impl_;
    if (m.done || !m.codec) return make_error(ErrorKind::InvalidRequest, "the encoder is closed");
    int rc = av_frame_make_writable(m.frame);
    if (rc < 0) return make_error(ErrorKind::OutOfMemory, "video frame: " + av_error(rc));
    const uint8_t* src[1] = {rgba};
    const int src_stride[1] = {stride_bytes};
    sws_scale(m.sws, src, src_stride, 0, m.options.height, m.frame->data, m.frame->linesize);
    m.frame->pts = m.frames++;
    return m.encode(m.frame);
}

Status VideoEncoder::finish() {
    auto& m = *impl_;
    if (m.done || !m.codec) return make_error(ErrorKind::InvalidRequest, "the encoder is closed");
    auto fail = [&](const Error& e) -> Status {
        abort();
        return e;
    };
    if (m.frames == 0) return fail(make_error(ErrorKind::InvalidRequest, "no frame was added"));
    if (auto s = m.encode(nullptr); !s.ok()) return fail(s.error());
    if (m.format) {
        if (int rc = av_write_trailer(m.format); rc < 0)
            return fail(make_error(ErrorKind::Io, "cannot finish the video: " + av_error(rc)));
    }
    m.release();
    std::error_code ec;
    if (fs::is_directory(m.output, ec)) fs::remove_all(m.output, ec);
    fs::rename(m.temp, m.output, ec);
    if (ec)
        return fail(make_error(ErrorKind::Io, "cannot move the video into place: " + ec.message()));
    m.done = true;
    return {};
}

void VideoEncoder::abort() {
    if (!impl_ || impl_->done) return;
    impl_->release();
    impl_->remove_temp();
    impl_->done = true;
}

int64_t VideoEncoder::frames_written() const {
    return impl_->frames;
}

}  // namespace kinema
