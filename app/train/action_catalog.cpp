#include "app/train/action_catalog.h"

#include "app/train/caption_table.h"
#include "app/train/heldout3_table.h"
#include "app/train/heldout4_table.h"
#include "app/train/phrase_mixing.h"
#include "core/tiny/tiny_vocab.h"

#include <algorithm>
#include <array>
#include <cctype>
#include <cstdint>
#include <optional>

namespace kinema::train {
namespace {

const std::vector<ActionText>& table() {
    return caption_table();
}

const CaptionGlue& glue(CaptionSet set) {
    switch (set) {
        case CaptionSet::Train:
            return train_glue();
        case CaptionSet::HeldOut:
            return heldout_glue();
        case CaptionSet::HeldOut2:
            return heldout2_glue();
        case CaptionSet::HeldOut3:
            return heldout3_glue();
        case CaptionSet::HeldOut4:
            break;
    }
    return heldout4_glue();
}

const std::vector<const char*>& phrases(Action action, CaptionSet set) {
    const auto i = static_cast<size_t>(action);
    const ActionText& t = table()[i];
    switch (set) {
        case CaptionSet::Train:
            return t.train;
        case CaptionSet::HeldOut:
            return t.held_out;
        case CaptionSet::HeldOut2:
            return t.held_out2;
        case CaptionSet::HeldOut3:
            return heldout3_phrases()[i];
        case CaptionSet::HeldOut4:
            break;
    }
    return heldout4_phrases()[i];
}

// An action's training phrases with the fewest words ("waves", "walks", "claps"): the plainest
// way to say it, which is what people type most.
const std::vector<const char*>& plainest_phrases(Action action) {
    static const std::vector<std::vector<const char*>> plainest = [] {
        std::vector<std::vector<const char*>> out;
        for (const ActionText& t : table()) {
            size_t fewest = SIZE_MAX;
            for (const char* p : t.train)
                fewest = std::min(fewest, caption_words(p).size());
            out.emplace_back();
            for (const char* p : t.train)
                if (caption_words(p).size() == fewest) out.back().push_back(p);
        }
        return out;
    }();
    return plainest[static_cast<size_t>(action)];
}

template <typename T>
const T& pick(const std::vector<T>& v, std::mt19937_64& rng) {
    return v[std::uniform_int_distribution<size_t>(0, v.size() - 1)(rng)];
}

double uniform(std::mt19937_64& rng, double a, double b) {
    return std::uniform_real_distribution<double>(a, b)(rng);
}

std::string phrase_for(const Segment& seg, CaptionSet set, std::mt19937_64& rng,
                       const CaptionAugmentation& aug) {
    const auto& t = table()[static_cast<size_t>(seg.action)];
    std::string p = pick(phrases(seg.action, set), rng);
    if (set == CaptionSet::Train && aug.phrase_mix_prob > 0 &&
        uniform(rng, 0, 1) < aug.phrase_mix_prob)
        if (auto mixed = mixed_training_phrase(static_cast<int>(seg.action), rng)) p = *mixed;
    if (set == CaptionSet::Train && aug.plain_phrase_prob > 0 &&
        uniform(rng, 0, 1) < aug.plain_phrase_prob)
        p = pick(plainest_phrases(seg.action), rng);
    const bool modify = std::uniform_real_distribution<double>(0, 1)(rng) < 0.5;
    if (modify && t.paced) {
        if (seg.params.speed < 0.88) p += pick(glue(set).slow, rng);
        if (seg.params.speed > 1.15) p += pick(glue(set).fast, rng);
    }
    if (modify && t.counted) {
        static const char* counts[] = {"", " once", " twice", " three times"};
        if (seg.params.count >= 1 && seg.params.count <= 3) p += counts[seg.params.count];
    }
    return p;
}

}  // namespace

int64_t ClipSpec::total_frames() const {
    int64_t n = 0;
    for (const auto& s : segments)
        n += s.frames;
    return n;
}

const char* action_name(Action a) {
    return table()[static_cast<size_t>(a)].name;
}

std::vector<std::string> all_action_names() {
    std::vector<std::string> out;
    for (const auto& t : table())
        out.emplace_back(t.name);
    return out;
}

bool action_from_name(const std::string& name, Action& out) {
    for (int i = 0; i < kActionCount; ++i)
        if (name == table()[static_cast<size_t>(i)].name) {
            out = static_cast<Action>(i);
            return true;
        }
    return false;
}

bool sequenceable(Action a) {
    return table()[static_cast<size_t>(a)].sequenceable;
}

ActionParams random_params(Action action, std::mt19937_64& rng) {
    ActionParams p;
    p.speed = uniform(rng, 0.75, 1.3);
    p.amplitude = uniform(rng, 0.8, 1.2);
    p.count = std::uniform_int_distribution<int>(1, 3)(rng);
    p.turn_deg = uniform(rng, 70.0, 180.0);
    if (action == Action::Squat || action == Action::JumpInPlace || action == Action::JumpForward)
        p.count = std::uniform_int_distribution<int>(1, 2)(rng);
    return p;
}

ClipSpec random_clip_spec(std::mt19937_64& rng, int64_t frames, double sequence_prob) {
    ClipSpec spec;
    if (std::uniform_real_distribution<double>(0, 1)(rng) < sequence_prob) {
        std::vector<Action> pool;
        for (int i = 0; i < kActionCount; ++i)
            if (sequenceable(static_cast<Action>(i))) pool.push_back(static_cast<Action>(i));
        Action a = pick(pool, rng), b = pick(pool, rng);
        while (b == a)
            b = pick(pool, rng);
        const int64_t first = frames / 2;
        for (auto [act, len] : {std::pair{a, first}, std::pair{b, frames - first}}) {
            Segment s{act, random_params(act, rng), len};
            s.params.count = std::min(s.params.count, 2);
            spec.segments.push_back(s);
        }
    } else {
        const auto a =
            static_cast<Action>(std::uniform_int_distribution<int>(0, kActionCount - 1)(rng));
        spec.segments.push_back(Segment{a, random_params(a, rng), frames});
    }
    return spec;
}

std::string make_caption(const ClipSpec& spec, CaptionSet set, std::mt19937_64& rng,
                         const CaptionAugmentation& aug, std::vector<int>* word_parts) {
    const double unknown_glue_prob = aug.unknown_glue_prob;
    // With probability unknown_glue_prob: 0-max_words copies of a word outside every vocabulary
    // (it encodes as <unk>); otherwise nullopt (keep the glue). Draws nothing from rng at 0.
    auto unknown_words = [&](int max_words) -> std::optional<std::string> {
        if (unknown_glue_prob <= 0 || uniform(rng, 0, 1) >= unknown_glue_prob) return {};
        std::string w;
        for (int k = std::uniform_int_distribution<int>(0, max_words)(rng); k > 0; --k)
            w += " qxz";
        return w + " ";
    };
    if (word_parts) word_parts->clear();
    // Every piece ends at a word boundary (subjects, connectives and phrases are whole words
    // joined by spaces or punctuation), so the caption's words are the pieces' words in order.
    auto tag = [&](const std::string& piece, int part) {
        if (word_parts) word_parts->insert(word_parts->end(), caption_words(piece).size(), part);
    };
    std::string subject = pick(glue(set).subjects, rng);
    if (auto u = unknown_words(2)) subject = *u;
    std::string out = subject.empty() ? "" : subject + " ";
    tag(out, 0);
    for (size_t i = 0; i < spec.segments.size(); ++i) {
        if (i > 0) {
            const std::string connective = pick(glue(set).connectives, rng);
            const auto u = unknown_words(3);
            out += u ? *u : connective;
            tag(u ? *u : connective, 0);
        }
        const std::string phrase = phrase_for(spec.segments[i], set, rng, aug);
        out += phrase;
        tag(phrase, static_cast<int>(i) + 1);
    }
    return out;
}

std::vector<EvalPrompt> validation_eval_prompts() {
    std::vector<EvalPrompt> out;
    std::mt19937_64 rng(20261201);
    for (int i = 0; i < kActionCount; ++i)
        for (int k = 0; k < 2; ++k) {
            ClipSpec spec;
            spec.segments.push_back(Segment{static_cast<Action>(i), ActionParams{}, 120});
            out.push_back({make_caption(spec, CaptionSet::Train, rng), spec});
        }
    for (int k = 0; k < 8; ++k) {
        ClipSpec spec = random_clip_spec(rng, 120, 1.0);
        for (auto& seg : spec.segments)
            seg.params = ActionParams{};
        out.push_back({make_caption(spec, CaptionSet::Train, rng), spec});
    }
    return out;
}

namespace {

// The eight two-part sequences of a held-out set and the seed their captions are drawn with.
struct HeldOutSequences {
    uint64_t seed;
    std::array<std::pair<Action, Action>, 8> pairs;
};

const HeldOutSequences& heldout_sequences(CaptionSet set) {
    using A = Action;
    static const HeldOutSequences set1{20261129,
                                       {{{A::WalkForward, A::WaveRight},
                                         {A::WalkForward, A::Squat},
                                         {A::TurnLeft, A::WalkForward},
                                         {A::Clap, A::JumpInPlace},
                                         {A::RaiseArms, A::Bow},
                                         {A::Idle, A::Punch},
                                         {A::Squat, A::WaveLeft},
                                         {A::JumpInPlace, A::Clap}}}};
    static const HeldOutSequences set2{20261130,
                                       {{{A::WalkForward, A::TurnLeft},
                                         {A::TurnRight, A::WalkForward},
                                         {A::JumpInPlace, A::WaveBoth},
                                         {A::Bow, A::Clap},
                                         {A::Punch, A::KickRight},
                                         {A::RaiseArms, A::Squat},
                                         {A::WaveLeft, A::Idle},
                                         {A::Idle, A::WaveRight}}}};
    static const HeldOutSequences set3{20261206,
                                       {{{A::WalkForward, A::Clap},
                                         {A::TurnRight, A::WaveLeft},
                                         {A::Squat, A::JumpInPlace},
                                         {A::Bow, A::WaveRight},
                                         {A::RaiseArms, A::Clap},
                                         {A::Punch, A::Idle},
                                         {A::KickRight, A::Bow},
                                         {A::TurnLeft, A::RaiseArms}}}};
    static const HeldOutSequences set4{20261207,
                                       {{{A::WalkForward, A::WaveBoth},
                                         {A::Clap, A::TurnLeft},
                                         {A::KickRight, A::Squat},
                                         {A::Idle, A::Bow},
                                         {A::WaveRight, A::JumpInPlace},
                                         {A::TurnRight, A::Punch},
                                         {A::RaiseArms, A::WalkForward},
                                         {A::Bow, A::Idle}}}};
    switch (set) {
        case CaptionSet::Train:
        case CaptionSet::HeldOut:
            return set1;
        case CaptionSet::HeldOut2:
            return set2;
        case CaptionSet::HeldOut3:
            return set3;
        case CaptionSet::HeldOut4:
            break;
    }
    return set4;
}

}  // namespace

CaptionSet heldout_caption_set(int number) {
    switch (number) {
        case 2:
            return CaptionSet::HeldOut2;
        case 3:
            return CaptionSet::HeldOut3;
        case 4:
            return CaptionSet::HeldOut4;
        default:
            return CaptionSet::HeldOut;
    }
}

std::vector<EvalPrompt> heldout_eval_prompts(CaptionSet set) {
    std::vector<EvalPrompt> out;
    const HeldOutSequences& sequences = heldout_sequences(set);
    std::mt19937_64 rng(sequences.seed);
    const auto& subjects = glue(set).subjects;
    for (int i = 0; i < kActionCount; ++i) {
        const auto a = static_cast<Action>(i);
        const auto& list = phrases(a, set);
        for (size_t k = 0; k < list.size(); ++k) {
            ClipSpec spec;
            spec.segments.push_back(Segment{a, ActionParams{}, 120});
            out.push_back({std::string(subjects[(i + k) % subjects.size()]) + " " + list[k], spec});
        }
    }
    for (const auto& [first, second] : sequences.pairs) {
        ClipSpec spec;
        spec.segments.push_back(Segment{first, ActionParams{}, 60});
        spec.segments.push_back(Segment{second, ActionParams{}, 60});
        out.push_back({make_caption(spec, set, rng), spec});
    }
    return out;
}

std::vector<std::string> caption_words(const std::string& caption) {
    return TinyVocab::split_words(caption);
}

}  // namespace kinema::train
