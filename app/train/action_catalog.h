// The actions of the procedural motion library, their generation parameters and the caption
// templates kinema-tiny is trained on (words in caption_table.h). Besides the training templates
// there are four held-out paraphrase sets that training never sees (used only for evaluation;
// sets 1 and 2 in caption_table.h, sets 3 and 4, written blind, in heldout3_table.h and
// heldout4_table.h). Thread: pure functions and immutable tables; any thread.
#pragma once

#include <cstdint>
#include <random>
#include <string>
#include <vector>

namespace kinema::train {

enum class Action : int {
    Idle,
    WalkForward,
    WalkBackward,
    WalkSideLeft,
    WalkSideRight,
    Jog,
    Run,
    TurnLeft,
    TurnRight,
    JumpInPlace,
    JumpForward,
    Hop,
    WaveLeft,
    WaveRight,
    WaveBoth,
    RaiseArms,
    Clap,
    Squat,
    KickLeft,
    KickRight,
    Punch,
    Bow,
    SitDown,
    StandUp,
    Spin,
    JumpingJacks,
    CrouchWalk,
    kCount
};
inline constexpr int kActionCount = static_cast<int>(Action::kCount);

// Variation of one action instance. Ranges: speed 0.75..1.3 (tempo), amplitude 0.8..1.2, count
// 1..3 (repetitions where it applies), turn_deg 70..180 (turns).
struct ActionParams {
    double speed = 1.0;
    double amplitude = 1.0;
    int count = 2;
    double turn_deg = 90.0;
};

struct Segment {
    Action action = Action::Idle;
    ActionParams params;
    int64_t frames = 120;  // at 30 fps
};

// One training clip: one action, or a sequence of two ("walks forward, then waves").
struct ClipSpec {
    std::vector<Segment> segments;
    int64_t total_frames() const;
};

const char* action_name(Action action);       // "walk_forward"
std::vector<std::string> all_action_names();  // in enum order
bool action_from_name(const std::string& name, Action& out);
// Actions that may appear as a part of a two-part sequence.
bool sequenceable(Action action);

// Random clip spec: with probability sequence_prob a two-part sequence of sequenceable actions,
// else a single action (uniform over actions). Every clip has `frames` frames in total.
ClipSpec random_clip_spec(std::mt19937_64& rng, int64_t frames, double sequence_prob);
ActionParams random_params(Action action, std::mt19937_64& rng);

enum class CaptionSet { Train, HeldOut, HeldOut2, HeldOut3, HeldOut4 };

// Training augmentations of make_caption (all 0: the plain template caption; a zero probability
// draws nothing, so older commands reproduce their data exactly).
struct CaptionAugmentation {
    // With that probability each, the subject and a sequence's connective are replaced by 0-2 /
    // 0-3 words outside every vocabulary, which encode as <unk> - what unseen subjects and
    // connectives become at inference.
    double unknown_glue_prob = 0.0;
    // CaptionSet::Train only: with that probability each, a segment's phrase is a recombination
    // of two of its action's training phrases (mixed_training_phrase).
    double phrase_mix_prob = 0.0;
    // CaptionSet::Train only: with that probability each, a segment's phrase is one of its
    // action's plainest training phrases (fewest words: "waves", "walks", "claps"), so the bare
    // verb people type most is learnt in every position of a sequence, not drawn 1 in ~40 times.
    double plain_phrase_prob = 0.0;
};

// A caption for the clip drawn from the given template set; mentions speed/count modifiers only
// when they are true of the params.
// word_parts (optional): receives one entry per caption word (caption_words order): 0 for the
// subject and connective words, k for the words of the k-th segment's phrase (1-based).
std::string make_caption(const ClipSpec& spec, CaptionSet set, std::mt19937_64& rng,
                         const CaptionAugmentation& augmentation = {},
                         std::vector<int>* word_parts = nullptr);

// A held-out evaluation list (HeldOut .. HeldOut4): every single action with its two
// paraphrases of that set plus a fixed set of eight two-part sequences. Deterministic.
struct EvalPrompt {
    std::string prompt;
    ClipSpec spec;  // the intended content (params are defaults)
};
std::vector<EvalPrompt> heldout_eval_prompts(CaptionSet set = CaptionSet::HeldOut);
// Held-out set 1, 2 or 3 (kinema-eval-tiny --set) as a CaptionSet.
CaptionSet heldout_caption_set(int number);
// The validation list: captions from the TRAINING thesaurus (2 per action + 8 sequences, fixed
// seed, default params), for choosing inference settings such as the guidance scale without
// looking at the held-out sets.
std::vector<EvalPrompt> validation_eval_prompts();

// Lower-case words of a caption (letters and digits; everything else separates words).
std::vector<std::string> caption_words(const std::string& caption);

}  // namespace kinema::train
