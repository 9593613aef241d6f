// The procedural motion library: every action synthesizes, feet stay planted, nothing goes below
// the ground, and the rule-based judge recognises the clips themselves (>= 95 %).
#include <ATen/ATen.h>

#include <QtTest/QtTest>
#include <algorithm>
#include <cstring>
#include <map>
#include <random>
#include <set>

#include "app/train/action_catalog.h"
#include "app/train/caption_table.h"
#include "app/train/frame_codec.h"
#include "app/train/motion_judge.h"
#include "app/train/motion_synth.h"
#include "app/train/phrase_mixing.h"
#include "app/train/tiny_dataset.h"

using namespace kinema::train;
using kinema::TinyVocab;

class TstMotionlib : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void judgeRecognisesSingleActions();
    void judgeRecognisesSequences();
    void encodeRoundTripsWorldJoints();
    void heldOutCaptionsAreNeverTrainedOn();
    void unknownGlueAugmentation();
    void tokenLabelsFollowTheCaptionsParts();
    void phraseMixingRecombinesOnlyTheActionsOwnWords();
    void plainPhraseAugmentationUsesTheFewestWords();
};

void TstMotionlib::judgeRecognisesSingleActions() {
    std::mt19937_64 rng(7);
    int correct = 0, total = 0;
    double skate_sum = 0, skate_max = 0, lowest = 1e9;
    std::map<std::string, int> wrong;
    for (int rep = 0; rep < 8; ++rep)
        for (int a = 0; a < kActionCount; ++a) {
            ClipSpec spec;
            const auto act = static_cast<Action>(a);
            spec.segments.push_back(Segment{act, random_params(act, rng), 120});
            const SynthClip clip = synthesize(spec, static_cast<uint64_t>(rep * 100 + a));
            const auto skate = measure_foot_skate(clip);
            skate_sum += skate.mean_cm_s;
            skate_max = std::max(skate_max, skate.max_cm_s);
            if (skate.max_cm_s > 10)
                qInfo("%s: planted-foot skate max %.1f cm/s", action_name(act), skate.max_cm_s);
            lowest = std::min(lowest, min_sole_height_m(clip));
            const auto joints = world_joints_tensor(clip);
            const Action got = judge_clip(joints, 1)[0];
            ++total;
            if (got == act) {
                ++correct;
            } else {
                ++wrong[std::string(action_name(act)) + " -> " + action_name(got)];
                qInfo("%s -> %s: %s", action_name(act), action_name(got),
                      judge_features(joints, 0, joints.size(0)).describe().c_str());
            }
        }
    for (const auto& [k, v] : wrong)
        qInfo("confusion %s x%d", k.c_str(), v);
    const double mean_skate = skate_sum / total;
    qInfo(
        "single actions: %d/%d judged correctly; planted-foot skate mean %.2f cm/s, max %.2f cm/s; "
        "lowest sole %.4f m",
        correct, total, mean_skate, skate_max, lowest);
    QVERIFY(correct >= 0.95 * total);
    QVERIFY(mean_skate < 2.0);
    QVERIFY(lowest > -0.005);
}

void TstMotionlib::judgeRecognisesSequences() {
    std::mt19937_64 rng(11);
    int correct = 0, total = 0;
    for (int i = 0; i < 60; ++i) {
        ClipSpec spec = random_clip_spec(rng, 120, 1.0);
        QCOMPARE(spec.segments.size(), size_t(2));
        const SynthClip clip = synthesize(spec, static_cast<uint64_t>(1000 + i));
        QCOMPARE(clip.frames, int64_t(120));
        const auto got = judge_clip(world_joints_tensor(clip), 2);
        const bool ok = got[0] == spec.segments[0].action && got[1] == spec.segments[1].action;
        if (!ok)
            qInfo("sequence %s+%s -> %s+%s", action_name(spec.segments[0].action),
                  action_name(spec.segments[1].action), action_name(got[0]), action_name(got[1]));
        correct += ok;
        ++total;
    }
    qInfo("sequences: %d/%d judged correctly", correct, total);
    QVERIFY(correct >= 0.9 * total);
}

void TstMotionlib::encodeRoundTripsWorldJoints() {
    ClipSpec spec;
    spec.segments.push_back(Segment{Action::WalkForward, ActionParams{}, 90});
    const SynthClip clip = synthesize(spec, 3);
    const at::Tensor frames = encode_frames(clip);
    QCOMPARE(frames.size(0), int64_t(90));
    QCOMPARE(frames.size(1), int64_t(201));
    const at::Tensor decoded = world_joints_from_frames(frames);
    const double err = (decoded - world_joints_tensor(clip)).abs().max().item<double>();
    QVERIFY2(err < 1e-4, qPrintable(QString::number(err)));
}

void TstMotionlib::unknownGlueAugmentation() {
    // Off (0): draws nothing extra, so captions, the vocabulary and the eval sets are unchanged.
    // On (1): the subject and the connective of every caption are replaced by 0-2 / 0-3 words that
    // no vocabulary has (they encode as <unk>, like the held-out sets' unseen glue words), and the
    // action phrases stay.
    std::mt19937_64 spec_rng(5);
    const TinyVocab vocab = build_training_vocab(1, 40000);
    QCOMPARE(vocab.id("qxz"), TinyVocab::kUnk);
    const auto& train = train_glue();
    int with_unknown = 0, without_glue = 0;
    for (int i = 0; i < 300; ++i) {
        const ClipSpec spec = random_clip_spec(spec_rng, 120, 1.0);
        std::mt19937_64 a(i), b(i), c(i);
        QCOMPARE(make_caption(spec, CaptionSet::Train, a, {0.0}),
                 make_caption(spec, CaptionSet::Train, b));
        QCOMPARE(a(), b());
        const std::string caption = make_caption(spec, CaptionSet::Train, c, {1.0});
        for (const char* conn : train.connectives)
            QVERIFY2(caption.find(conn) == std::string::npos, caption.c_str());
        for (const char* subject : train.subjects)
            if (std::string(subject).size() > 0)
                QVERIFY2(
                    caption.compare(0, std::strlen(subject) + 1, std::string(subject) + " ") != 0,
                    caption.c_str());
        for (const auto& w : TinyVocab::entries(caption, TinyVocab::WordForm::Stem))
            QVERIFY2(w == "qxz" || vocab.id(w) != TinyVocab::kUnk, (w + " in " + caption).c_str());
        with_unknown += caption.find("qxz") != std::string::npos;
        without_glue += caption.find("qxz") == std::string::npos;
    }
    QVERIFY(with_unknown > 150);
    QVERIFY(without_glue > 5);
    // The validation list (for choosing settings) uses training phrases: 2 per action + 8 pairs.
    const auto val = validation_eval_prompts();
    QCOMPARE(static_cast<int>(val.size()), 2 * kActionCount + 8);
    for (const auto& p : val)
        for (const auto& w : TinyVocab::entries(p.prompt, TinyVocab::WordForm::Stem))
            QVERIFY2(vocab.id(w) != TinyVocab::kUnk, (w + " in " + p.prompt).c_str());
}

void TstMotionlib::heldOutCaptionsAreNeverTrainedOn() {
    // No held-out phrase is a training phrase, nor a training phrase of three or more words with
    // words appended ("sits down" may start a held-out phrase, "steps to the left" may not); no
    // held-out subject, connective or tempo word is a training one. Both sets, every action.
    auto starts_with = [](const std::string& s, const std::string& p) {
        if (std::count(p.begin(), p.end(), ' ') < 2) return false;
        return s.size() > p.size() && s.compare(0, p.size(), p) == 0 && s[p.size()] == ' ';
    };
    const auto& train = train_glue();
    for (const auto* glue : {&heldout_glue(), &heldout2_glue()}) {
        for (const auto& [held, trained] :
             {std::pair{&glue->subjects, &train.subjects},
              std::pair{&glue->connectives, &train.connectives},
              std::pair{&glue->slow, &train.slow}, std::pair{&glue->fast, &train.fast}})
            for (const char* h : *held)
                for (const char* t : *trained)
                    QVERIFY2(std::string(h) != t, h);
    }
    QCOMPARE(static_cast<int>(caption_table().size()), kActionCount);
    for (const auto& a : caption_table()) {
        QCOMPARE(a.held_out.size(), size_t{2});
        QCOMPARE(a.held_out2.size(), size_t{2});
        for (const auto* set : {&a.held_out, &a.held_out2})
            for (const std::string h : *set)
                for (const std::string t : a.train)
                    QVERIFY2(h != t && !starts_with(h, t),
                             (std::string(a.name) + ": " + h).c_str());
        for (const std::string h : a.held_out)
            for (const std::string h2 : a.held_out2)
                QVERIFY2(h != h2, h.c_str());
    }
    for (const auto set : {CaptionSet::HeldOut, CaptionSet::HeldOut2}) {
        const auto prompts = heldout_eval_prompts(set);
        QCOMPARE(static_cast<int>(prompts.size()), 2 * kActionCount + 8);
    }
    QVERIFY(heldout_eval_prompts(CaptionSet::HeldOut)[0].prompt !=
            heldout_eval_prompts(CaptionSet::HeldOut2)[0].prompt);
}

void TstMotionlib::tokenLabelsFollowTheCaptionsParts() {
    // make_caption's word_parts tags every word: 0 for subject / connective words, k for the k-th
    // phrase - in every caption set, with and without the unknown-glue and phrase-mixing
    // augmentations, and asking for them draws nothing extra (the caption is the same).
    std::mt19937_64 spec_rng(11);
    for (const auto set : {CaptionSet::Train, CaptionSet::HeldOut, CaptionSet::HeldOut2})
        for (int i = 0; i < 400; ++i) {
            const ClipSpec spec = random_clip_spec(spec_rng, 120, 0.6);
            const double glue = (i % 2) ? 0.5 : 0.0, mix = (i % 3) ? 0.0 : 0.7;
            std::mt19937_64 a(i), b(i);
            std::vector<int> parts;
            const std::string caption = make_caption(spec, set, a, {glue, mix}, &parts);
            QCOMPARE(caption, make_caption(spec, set, b, {glue, mix}, nullptr));
            const auto words = caption_words(caption);
            QCOMPARE(parts.size(), words.size());
            for (size_t k = 1; k < parts.size(); ++k)
                QVERIFY2(parts[k] == 0 || parts[k] >= parts[k - 1] || parts[k - 1] == 0,
                         caption.c_str());
            for (size_t k = 0; k < parts.size(); ++k)
                if (words[k] == "qxz") QCOMPARE(parts[k], 0);
            for (size_t seg = 1; seg <= spec.segments.size(); ++seg)
                QVERIFY2(std::count(parts.begin(), parts.end(), static_cast<int>(seg)) > 0,
                         caption.c_str());
        }
    // make_batch turns them into per-token targets: the part's action, kActionCount for glue,
    // -100 on padding.
    const TinyVocab vocab = build_training_vocab(1, 2000);
    const MotionStats stats{at::zeros({kFrameDim}), at::ones({kFrameDim})};
    const TrainBatch b = make_batch(3, 0, 12, 120, 0.5, 0.0, stats, vocab, 32, {0.3});
    QCOMPARE(b.token_labels.sizes(), b.ids.sizes());
    QVERIFY((b.token_labels.eq(-100) == b.text_valid.logical_not()).all().item<bool>());
    const auto valid = b.token_labels.masked_select(b.text_valid);
    QVERIFY(valid.ge(0).all().item<bool>() && valid.le(kActionCount).all().item<bool>());
    for (int64_t i = 0; i < 12; ++i) {
        // Every clip's own actions, and only those, label its tokens.
        const auto row = b.token_labels[i].masked_select(b.text_valid[i]);
        for (int64_t k = 0; k < row.size(0); ++k) {
            const int64_t l = row[k].item<int64_t>();
            QVERIFY(l == kActionCount || l == b.labels[i][0].item<int64_t>() ||
                    l == b.labels[i][1].item<int64_t>());
        }
        QVERIFY(row.eq(b.labels[i][0]).any().item<bool>());
    }
}

void TstMotionlib::phraseMixingRecombinesOnlyTheActionsOwnWords() {
    // A mix is made of its own action's training words only, keeps the side / direction words of
    // its first phrase, is never another action's training phrase and never contains a held-out
    // phrase (stems); a good share of mixes are new phrasings. Off (0) draws nothing extra.
    const auto& table = caption_table();
    auto stems = [](const std::string& text) {
        std::string out;
        for (const auto& w : TinyVocab::entries(text, TinyVocab::WordForm::Stem))
            out += " " + w;
        return out + " ";
    };
    std::mt19937_64 rng(3);
    int novel = 0, total = 0, rejected = 0;
    for (int a = 0; a < kActionCount; ++a) {
        std::set<std::string> own_words, own_phrases;
        for (const char* p : table[static_cast<size_t>(a)].train) {
            own_phrases.insert(stems(p));
            for (const auto& w : TinyVocab::split_words(p))
                own_words.insert(w);
        }
        for (int k = 0; k < 200; ++k) {
            const auto mixed = mixed_training_phrase(a, rng);
            if (!mixed) {
                ++rejected;
                continue;
            }
            ++total;
            const std::string s = stems(*mixed);
            novel += own_phrases.count(s) == 0;
            if (k < 3) qInfo("%s: %s", table[static_cast<size_t>(a)].name, mixed->c_str());
            QVERIFY2(!mixed->empty(), table[static_cast<size_t>(a)].name);
            for (const auto& w : TinyVocab::split_words(*mixed))
                QVERIFY2(own_words.count(w), mixed->c_str());
            for (int b = 0; b < kActionCount; ++b) {
                const auto& other = table[static_cast<size_t>(b)];
                if (b != a)
                    for (const char* p : other.train)
                        QVERIFY2(stems(p) != s, (*mixed + " = " + p).c_str());
                for (const auto* held : {&other.held_out, &other.held_out2})
                    for (const char* h : *held)
                        QVERIFY2(s.find(stems(h)) == std::string::npos,
                                 (*mixed + " contains " + h).c_str());
            }
        }
    }
    qInfo("mixes: %d accepted (%d new phrasings), %d rejected", total, novel, rejected);
    QVERIFY(novel > total / 3);
    QVERIFY(total > rejected);
    // Side words survive and none is added: every accepted wave_left mix still says "left",
    // no jump-in-place mix says "forward" (but "without moving forward"), no crouch-walk mix is
    // made of walk-forward words only.
    std::set<std::string> walk_words;
    for (const char* p : table[static_cast<size_t>(Action::WalkForward)].train)
        for (const auto& w : TinyVocab::split_words(p))
            walk_words.insert(w);
    for (int k = 0; k < 100; ++k) {
        if (auto m = mixed_training_phrase(static_cast<int>(Action::WaveLeft), rng))
            QVERIFY2(m->find("left") != std::string::npos, m->c_str());
        if (auto m = mixed_training_phrase(static_cast<int>(Action::JumpInPlace), rng))
            QVERIFY2(m->find("forward") == std::string::npos ||
                         m->find("without moving forward") != std::string::npos,
                     m->c_str());
        if (auto m = mixed_training_phrase(static_cast<int>(Action::CrouchWalk), rng)) {
            bool beyond_walking = false;  // a word no walk-forward phrase has
            for (const auto& w : TinyVocab::split_words(*m))
                beyond_walking |= !walk_words.count(w);
            QVERIFY2(beyond_walking, m->c_str());
        }
    }
    std::mt19937_64 spec_rng(9);
    for (int i = 0; i < 100; ++i) {
        const ClipSpec spec = random_clip_spec(spec_rng, 120, 0.5);
        std::mt19937_64 x(i), y(i);
        QCOMPARE(make_caption(spec, CaptionSet::Train, x, {0.0, 0.0}, nullptr),
                 make_caption(spec, CaptionSet::Train, y));
        QCOMPARE(x(), y());
    }
}

void TstMotionlib::plainPhraseAugmentationUsesTheFewestWords() {
    // plain_phrase_prob 1: every part of a training caption is one of its action's training
    // phrases with the fewest words; "waves" alone is wave_right's, "walks" walk_forward's.
    std::mt19937_64 spec_rng(5);
    std::map<Action, std::set<std::string>> seen;
    for (int i = 0; i < 3000; ++i) {
        ClipSpec spec = random_clip_spec(spec_rng, 120, 0.5);
        for (auto& seg : spec.segments)
            seg.params = ActionParams{1.0, 1.0, 0, 90.0};  // no tempo / count modifiers
        std::mt19937_64 rng(i);
        std::vector<int> parts;
        const auto words =
            caption_words(make_caption(spec, CaptionSet::Train, rng, {0.0, 0.4, 1.0}, &parts));
        for (size_t seg = 0; seg < spec.segments.size(); ++seg) {
            std::string phrase;
            for (size_t k = 0; k < words.size(); ++k)
                if (parts[k] == static_cast<int>(seg) + 1)
                    phrase += (phrase.empty() ? "" : " ") + words[k];
            const Action a = spec.segments[seg].action;
            size_t fewest = SIZE_MAX;
            for (const char* p : caption_table()[static_cast<size_t>(a)].train)
                fewest = std::min(fewest, caption_words(p).size());
            QVERIFY2(caption_words(phrase).size() == fewest, phrase.c_str());
            seen[a].insert(phrase);
        }
    }
    QCOMPARE(seen[Action::WaveRight], (std::set<std::string>{"waves"}));
    QCOMPARE(seen[Action::WalkForward], (std::set<std::string>{"walks"}));
    QVERIFY(seen[Action::Clap].count("claps") && seen[Action::Clap].count("applauds"));
    // At 0 nothing is drawn: the caption is the plain one.
    const ClipSpec spec = random_clip_spec(spec_rng, 120, 1.0);
    std::mt19937_64 a(7), b(7);
    QCOMPARE(make_caption(spec, CaptionSet::Train, a, {0.3, 0.4, 0.0}),
             make_caption(spec, CaptionSet::Train, b, {0.3, 0.4}));
}

QTEST_GUILESS_MAIN(TstMotionlib)
#include "tst_motionlib.moc"
