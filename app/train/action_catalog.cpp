#include "app/train/action_catalog.h"

#include "core/tiny/tiny_vocab.h"

#include <array>
#include <cctype>

namespace kinema::train {
namespace {

struct ActionText {
    const char* name;
    std::vector<const char*> train;     // third-person verb phrases
    std::vector<const char*> held_out;  // never used for training
    bool sequenceable;
    bool counted;  // count modifiers ("twice") make sense
    bool paced;    // speed modifiers ("slowly") make sense
};

const std::vector<ActionText>& table() {
    static const std::vector<ActionText> t = {
        {"idle",
         {"stands still", "stands idle", "stands in place", "is standing still", "stands and waits",
          "stays still", "stands relaxed", "idles"},
         {"remains standing without moving", "just stands there calmly"},
         true,
         false,
         false},
        {"walk_forward",
         {"walks forward", "walks straight ahead", "is walking forward", "walks ahead",
          "takes steps forward", "walks forwards", "walks straight forward",
          "goes forward walking"},
         {"walks on straight ahead of them", "takes a walk forwards"},
         true,
         false,
         true},
        {"walk_backward",
         {"walks backward", "walks backwards", "is walking backward", "steps backward",
          "takes steps backwards", "walks back", "moves backward walking"},
         {"backs up by walking backwards", "takes a few steps back"},
         false,
         false,
         true},
        {"walk_side_left",
         {"walks sideways to the left", "steps sideways to the left", "sidesteps to the left",
          "side steps left", "shuffles sideways to the left", "moves sideways to the left"},
         {"steps to the left side sideways", "walks left sideways"},
         false,
         false,
         true},
        {"walk_side_right",
         {"walks sideways to the right", "steps sideways to the right", "sidesteps to the right",
          "side steps right", "shuffles sideways to the right", "moves sideways to the right"},
         {"steps to the right side sideways", "walks right sideways"},
         false,
         false,
         true},
        {"jog",
         {"jogs forward", "is jogging forward", "jogs ahead", "jogs", "goes for a jog forward",
          "jogs straight ahead", "jogs at an easy pace"},
         {"does a light jog forward", "jogs forwards steadily"},
         false,
         false,
         false},
        {"run",
         {"runs forward", "is running forward", "runs fast", "sprints forward", "runs ahead",
          "runs straight ahead", "dashes forward"},
         {"sprints ahead at full speed", "runs forwards quickly"},
         false,
         false,
         false},
        {"turn_left",
         {"turns left", "turns to the left", "turns around to the left", "rotates to the left",
          "is turning left", "turns left in place"},
         {"makes a turn toward the left", "turns toward the left side"},
         true,
         false,
         false},
        {"turn_right",
         {"turns right", "turns to the right", "turns around to the right", "rotates to the right",
          "is turning right", "turns right in place"},
         {"makes a turn toward the right", "turns toward the right side"},
         true,
         false,
         false},
        {"jump_in_place",
         {"jumps in place", "jumps up and down", "jumps", "is jumping in place",
          "jumps straight up", "hops up and down on both feet"},
         {"does a jump on the spot", "leaps straight up in place"},
         true,
         true,
         false},
        {"jump_forward",
         {"jumps forward", "leaps forward", "jumps ahead", "does a forward jump", "jumps forwards",
          "leaps ahead"},
         {"makes a big jump forwards", "jumps far ahead"},
         false,
         true,
         false},
        {"hop",
         {"hops on one leg", "hops on one foot", "is hopping on one leg", "hops on the left leg",
          "balances and hops on one leg", "hops"},
         {"jumps on a single leg", "hops using only one foot"},
         false,
         true,
         false},
        {"wave_left",
         {"waves with the left hand", "waves the left hand", "waves his left hand",
          "waves her left hand", "raises the left hand and waves",
          "waves hello with the left hand"},
         {"greets someone by waving the left hand", "waves using the left arm"},
         true,
         true,
         false},
        {"wave_right",
         {"waves with the right hand", "waves the right hand", "waves his right hand",
          "waves her right hand", "raises the right hand and waves",
          "waves hello with the right hand"},
         {"greets someone by waving the right hand", "waves using the right arm"},
         true,
         true,
         false},
        {"wave_both",
         {"waves with both hands", "waves both hands", "waves both arms",
          "raises both hands and waves", "waves with both arms over the head",
          "waves hello with both hands"},
         {"greets someone by waving both arms", "waves using both hands high"},
         true,
         true,
         false},
        {"raise_arms",
         {"raises both arms", "raises the arms", "lifts both arms up", "puts the arms up",
          "raises both hands above the head", "lifts the arms over the head", "holds the arms up"},
         {"reaches both arms up toward the sky", "stretches the arms up high"},
         true,
         false,
         false},
        {"clap",
         {"claps", "claps the hands", "claps hands", "is clapping", "claps hands together",
          "applauds", "claps in front of the chest"},
         {"gives a round of applause", "brings the hands together clapping"},
         true,
         true,
         false},
        {"squat",
         {"squats", "does squats", "squats down and stands up", "does a squat",
          "bends the knees and squats", "squats down"},
         {"performs a deep squat", "does knee bends down and up"},
         true,
         true,
         false},
        {"kick_left",
         {"kicks with the left leg", "kicks with the left foot", "does a left kick",
          "kicks forward with the left leg", "kicks the left leg forward"},
         {"throws a kick using the left leg", "kicks out with the left foot"},
         false,
         true,
         false},
        {"kick_right",
         {"kicks with the right leg", "kicks with the right foot", "does a right kick",
          "kicks forward with the right leg", "kicks the right leg forward"},
         {"throws a kick using the right leg", "kicks out with the right foot"},
         true,
         true,
         false},
        {"punch",
         {"punches", "punches forward", "throws a punch", "throws punches",
          "punches with the right hand", "boxes", "punches straight ahead"},
         {"strikes forward with a fist", "jabs forward with the fist"},
         true,
         true,
         false},
        {"bow",
         {"bows", "bows forward", "takes a bow", "bows politely", "bends forward in a bow",
          "makes a bow"},
         {"gives a polite bow", "bends over forward in a bow"},
         true,
         false,
         false},
        {"sit_down",
         {"sits down", "is sitting down", "sits down slowly", "lowers into a seated position",
          "sits", "takes a seat"},
         {"goes down to sit", "sits down and stays seated"},
         false,
         false,
         false},
        {"stand_up",
         {"stands up", "gets up", "stands up from sitting", "rises to stand", "gets up from a seat",
          "stands up from a chair"},
         {"rises up from a seated position", "gets to the feet from sitting"},
         false,
         false,
         false},
        {"spin",
         {"spins around", "spins", "turns a full circle", "spins in place", "does a full turn",
          "twirls around"},
         {"does a complete spin on the spot", "turns all the way around in a circle"},
         false,
         false,
         false},
        {"jumping_jacks",
         {"does jumping jacks", "is doing jumping jacks", "does star jumps",
          "performs jumping jacks", "does jumping jacks in place"},
         {"exercises with jumping jacks", "does a few jumping jacks"},
         false,
         false,
         false},
        {"crouch_walk",
         {"walks crouched", "sneaks forward crouching", "crouches and walks forward",
          "walks forward in a crouch", "sneaks forward", "walks low to the ground"},
         {"creeps forward while crouching", "moves forward in a low crouch"},
         false,
         false,
         true},
    };
    return t;
}

const std::vector<const char*> kTrainSubjects = {"a person",   "someone", "a man",   "a woman",
                                                 "the person", "a guy",   "the man", "the woman",
                                                 "a girl",     "a boy",   ""};
const std::vector<const char*> kHeldOutSubjects = {"the character", "an actor", "somebody",
                                                   "a figure"};
const std::vector<const char*> kThen = {", then ", " and then ", " then ", ", after that "};
const std::vector<const char*> kHeldOutThen = {"; next ", " followed by that it "};

template <typename T>
const T& pick(const std::vector<T>& v, std::mt19937_64& rng) {
    return v[std::uniform_int_distribution<size_t>(0, v.size() - 1)(rng)];
}

double uniform(std::mt19937_64& rng, double a, double b) {
    return std::uniform_real_distribution<double>(a, b)(rng);
}

std::string phrase_for(const Segment& seg, CaptionSet set, std::mt19937_64& rng) {
    const auto& t = table()[static_cast<size_t>(seg.action)];
    std::string p = set == CaptionSet::Train ? pick(t.train, rng) : pick(t.held_out, rng);
    const bool modify = std::uniform_real_distribution<double>(0, 1)(rng) < 0.5;
    if (modify && t.paced) {
        if (seg.params.speed < 0.88) p += set == CaptionSet::Train ? " slowly" : " at a slow pace";
        if (seg.params.speed > 1.15) p += set == CaptionSet::Train ? " quickly" : " fast";
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

std::string make_caption(const ClipSpec& spec, CaptionSet set, std::mt19937_64& rng) {
    const bool train = set == CaptionSet::Train;
    std::string subject = train ? pick(kTrainSubjects, rng) : pick(kHeldOutSubjects, rng);
    std::string out = subject.empty() ? "" : subject + " ";
    for (size_t i = 0; i < spec.segments.size(); ++i) {
        if (i > 0) out += train ? pick(kThen, rng) : pick(kHeldOutThen, rng);
        out += phrase_for(spec.segments[i], set, rng);
    }
    return out;
}

std::vector<EvalPrompt> heldout_eval_prompts() {
    std::vector<EvalPrompt> out;
    std::mt19937_64 rng(20261129);
    for (int i = 0; i < kActionCount; ++i) {
        const auto a = static_cast<Action>(i);
        const auto& t = table()[static_cast<size_t>(i)];
        for (size_t k = 0; k < t.held_out.size(); ++k) {
            ClipSpec spec;
            spec.segments.push_back(Segment{a, ActionParams{}, 120});
            out.push_back({std::string(kHeldOutSubjects[(i + k) % kHeldOutSubjects.size()]) + " " +
                               t.held_out[k],
                           spec});
        }
    }
    const std::array<std::pair<Action, Action>, 8> seqs = {{
        {Action::WalkForward, Action::WaveRight},
        {Action::WalkForward, Action::Squat},
        {Action::TurnLeft, Action::WalkForward},
        {Action::Clap, Action::JumpInPlace},
        {Action::RaiseArms, Action::Bow},
        {Action::Idle, Action::Punch},
        {Action::Squat, Action::WaveLeft},
        {Action::JumpInPlace, Action::Clap},
    }};
    for (size_t k = 0; k < seqs.size(); ++k) {
        ClipSpec spec;
        spec.segments.push_back(Segment{seqs[k].first, ActionParams{}, 60});
        spec.segments.push_back(Segment{seqs[k].second, ActionParams{}, 60});
        out.push_back({make_caption(spec, CaptionSet::HeldOut, rng), spec});
    }
    return out;
}

std::vector<std::string> caption_words(const std::string& caption) {
    return TinyVocab::split_words(caption);
}

}  // namespace kinema::train
