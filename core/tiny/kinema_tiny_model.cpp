#include "core/tiny/kinema_tiny_model.h"

#include <ATen/ATen.h>
#include <nlohmann/json.hpp>

#include <fstream>

#include "core/io/state_dict_loader.h"
#include "core/tiny/tiny_text_conditioner.h"

namespace kinema {
namespace fs = std::filesystem;

namespace {

Result<double> recommended_cfg_from(const nlohmann::json& j, const fs::path& marker) {
    if (!j.is_object() || !j.contains("recommended_cfg_scale")) return kOfficialCfgScale;
    const auto& v = j["recommended_cfg_scale"];
    const double cfg = v.is_number() ? v.get<double>() : -1.0;
    if (cfg < 1.0 || cfg > 15.0)
        return make_error(ErrorKind::BadModelFile, marker.string() + ": recommended_cfg_scale " +
                                                       v.dump() + " is not a number in 1-15");
    return cfg;
}

}  // namespace

Result<double> read_recommended_cfg_scale(const fs::path& folder) {
    const fs::path marker = folder / kKinemaTinyMarker;
    std::ifstream in(marker);
    if (!in) return make_error(ErrorKind::Io, "cannot read " + marker.string());
    const auto j = nlohmann::json::parse(in, nullptr, /*allow_exceptions=*/false);
    if (j.is_discarded())
        return make_error(ErrorKind::BadModelFile, marker.string() + ": not JSON");
    return recommended_cfg_from(j, marker);
}

Result<KinemaTinyModel> load_kinema_tiny(const fs::path& folder, const BindOptions& bind) {
    const fs::path marker = folder / kKinemaTinyMarker;
    std::ifstream in(marker);
    if (!in) return make_error(ErrorKind::Io, "cannot read " + marker.string());
    KinemaTinyModel out;
    out.folder = folder;
    TinyTextEncoderConfig tc;
    std::string weights = "model.safetensors", config = "config.json", vocab = "vocab.txt";
    std::string word_form = "raw";  // models written before stemming have no word_form
    try {
        const auto j = nlohmann::json::parse(in);
        if (j.value("format", "") != "kinema-tiny")
            return make_error(ErrorKind::BadModelFile,
                              marker.string() + ": format is not kinema-tiny");
        weights = j.value("weights", weights);
        config = j.value("config", config);
        vocab = j.value("vocab", vocab);
        const auto& te = j.at("text_encoder");
        tc.vocab_size = te.at("vocab_size").get<int64_t>();
        tc.width = te.at("width").get<int64_t>();
        tc.heads = te.at("heads").get<int64_t>();
        tc.layers = te.at("layers").get<int64_t>();
        tc.max_tokens = te.at("max_tokens").get<int64_t>();
        tc.mlp_ratio = te.at("mlp_ratio").get<double>();
        word_form = te.value("word_form", word_form);
        out.known_actions = j.value("known_actions", std::vector<std::string>{});
        out.data_version = j.value("data_version", "");
        auto cfg = recommended_cfg_from(j, marker);
        if (!cfg) return cfg.error();
        out.recommended_cfg_scale = *cfg;
    } catch (const std::exception& e) {
        return make_error(ErrorKind::BadModelFile, marker.string() + ": " + e.what());
    }
    auto form = TinyVocab::parse_word_form(word_form);
    if (!form)
        return make_error(ErrorKind::BadModelFile, marker.string() + ": " + form.error().message);
    auto voc = TinyVocab::load(folder / vocab, *form);
    if (!voc) return voc.error();
    if (static_cast<int64_t>(voc->size()) != tc.vocab_size)
        return make_error(ErrorKind::BadModelFile,
                          "kinema-tiny vocab.txt has " + std::to_string(voc->size()) +
                              " words, the config says " + std::to_string(tc.vocab_size));
    out.vocab = std::make_shared<const TinyVocab>(std::move(*voc));

    CheckpointLoadOptions opts;
    opts.bind = bind;
    auto ckpt = load_hymotion_checkpoint(folder / weights, folder / config, opts);
    if (!ckpt) return ckpt.error();
    out.checkpoint = std::move(*ckpt);

    auto tensors = load_state_dict(folder / weights);
    if (!tensors) return tensors.error();
    auto enc = TinyTextEncoder::create(tc);
    if (!enc) return enc.error();
    BindOptions enc_bind = bind;
    enc_bind.dtype = at::kFloat;
    KINEMA_TRY_STATUS((*enc)->load_weights(*tensors, enc_bind));
    out.text_encoder = std::shared_ptr<const TinyTextEncoder>(std::move(*enc));
    return out;
}

std::unique_ptr<TextConditioner> make_tiny_text_conditioner(const KinemaTinyModel& model) {
    return std::make_unique<TinyTextConditioner>(
        model.text_encoder, model.vocab,
        "kinema-tiny:" + model.folder.string() + ":" + model.data_version);
}

}  // namespace kinema
