// The text side of kinema-tiny's training: held-out sets 3 and 4 are never trained on (not by a
// training phrase, a recombined one or a synonym-substituted one), WordNet verb synonyms stay in
// their action, caption-only batches carry the training captions' labels, and text pretraining
// teaches the encoder's classifier the actions.
#include <ATen/ATen.h>

#include <QtTest/QtTest>
#include <map>
#include <random>
#include <set>

#include "app/train/action_catalog.h"
#include "app/train/caption_table.h"
#include "app/train/heldout3_table.h"
#include "app/train/heldout4_table.h"
#include "app/train/phrase_mixing.h"
#include "app/train/text_pretrainer.h"
#include "app/train/tiny_dataset.h"
#include "app/train/verb_synonym_table.h"

using namespace kinema::train;
using kinema::TinyVocab;

namespace {

std::string stems(const std::string& text) {
    std::string out;
    for (const auto& w : TinyVocab::entries(text, TinyVocab::WordForm::Stem))
        out += " " + w;
    return out + " ";
}

// A later held-out set (written blind, outside the caption table): no phrase is a phrase of the
// training thesaurus or of an earlier set; its glue is nobody else's; no training draw - a
// recombined phrase (4000 per action) or one with a WordNet verb synonym (every training phrase
// and every recombined one, several draws each) - contains one of its phrases. Every hit listed.
void checkNeverTrainedOn(const std::vector<std::vector<const char*>>& set_phrases,
                         const CaptionGlue& set_glue,
                         const std::vector<const std::vector<std::vector<const char*>>*>& earlier,
                         const std::vector<const CaptionGlue*>& other_glue) {
    QCOMPARE(static_cast<int>(set_phrases.size()), kActionCount);
    std::set<std::string> taken;
    for (const auto& t : caption_table())
        for (const auto* list : {&t.train, &t.held_out, &t.held_out2})
            for (const char* p : *list)
                taken.insert(stems(p));
    for (const auto* e : earlier)
        for (const auto& pair : *e)
            for (const char* p : pair)
                taken.insert(stems(p));
    std::vector<std::string> held;
    std::string equal;  // every phrase that training or an earlier set has
    for (const auto& pair : set_phrases) {
        QCOMPARE(pair.size(), size_t{2});
        for (const std::string h : pair) {
            held.push_back(stems(h));
            if (taken.count(stems(h))) equal += h + "; ";
        }
    }
    QVERIFY2(equal.empty(), equal.c_str());
    for (const CaptionGlue* other : other_glue)
        for (const auto& [mine, theirs] :
             {std::pair{&set_glue.subjects, &other->subjects},
              std::pair{&set_glue.connectives, &other->connectives},
              std::pair{&set_glue.slow, &other->slow}, std::pair{&set_glue.fast, &other->fast}})
            for (const char* h : *mine)
                for (const char* t : *theirs)
                    QVERIFY2(std::string(h) != t, h);
    std::mt19937_64 rng(17);
    std::set<std::string> reached;  // "draw ~ the held-out phrase it contains"
    auto check = [&](const std::string& draw) {
        const std::string s = stems(draw);
        for (const auto& h : held)
            if (s.find(h) != std::string::npos) reached.insert(draw + " ~" + h);
    };
    for (int a = 0; a < kActionCount; ++a) {
        std::vector<std::string> phrases;
        for (const char* p : caption_table()[static_cast<size_t>(a)].train)
            phrases.emplace_back(p);
        for (int k = 0; k < 4000; ++k)
            if (const auto m = mixed_training_phrase(a, rng)) {
                check(*m);
                if (k % 8 == 0) phrases.push_back(*m);
            }
        for (const auto& p : phrases)
            for (int k = 0; k < 4; ++k)
                if (const auto s = synonym_training_phrase(a, p, rng)) check(*s);
    }
    std::string list;
    for (const auto& r : reached)
        list += r + "; ";
    QVERIFY2(reached.empty(), list.c_str());
}

}  // namespace

class TstTrainingText : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void heldOutSet3IsNeverTrainedOn();
    void heldOutSet4IsNeverTrainedOn();
    void verbSynonymsStayInTheirAction();
    void captionBatchesCarryTheTrainingLabels();
    void textPretrainingLearnsTheActions();
};

void TstTrainingText::heldOutSet3IsNeverTrainedOn() {
    checkNeverTrainedOn(heldout3_phrases(), heldout3_glue(), {},
                        {&train_glue(), &heldout_glue(), &heldout2_glue()});
    const auto prompts = heldout_eval_prompts(CaptionSet::HeldOut3);
    QCOMPARE(static_cast<int>(prompts.size()), 2 * kActionCount + 8);
    QCOMPARE(prompts[0].prompt, std::string("a teenager stays put without moving"));
}

void TstTrainingText::heldOutSet4IsNeverTrainedOn() {
    checkNeverTrainedOn(heldout4_phrases(), heldout4_glue(), {&heldout3_phrases()},
                        {&train_glue(), &heldout_glue(), &heldout2_glue(), &heldout3_glue()});
    const auto prompts = heldout_eval_prompts(CaptionSet::HeldOut4);
    QCOMPARE(static_cast<int>(prompts.size()), 2 * kActionCount + 8);
    QCOMPARE(prompts[0].prompt, std::string("a ballerina stands without moving a muscle"));
    QCOMPARE(heldout_caption_set(4), CaptionSet::HeldOut4);
}

void TstTrainingText::verbSynonymsStayInTheirAction() {
    // Stems each action's training phrases use.
    const auto& table = caption_table();
    std::map<std::string, std::set<int>> actions_using;
    for (int a = 0; a < kActionCount; ++a)
        for (const char* p : table[static_cast<size_t>(a)].train)
            for (const auto& w : TinyVocab::entries(p, TinyVocab::WordForm::Stem))
                actions_using[w].insert(a);
    std::map<std::string, std::set<std::string>> synonyms;
    for (const auto& row : verb_synonym_table())
        for (const char* s : row.synonyms)
            synonyms[row.word].insert(s);
    std::mt19937_64 rng(5);
    std::set<std::string> substituted;  // "action:new verb"
    for (int a = 0; a < kActionCount; ++a)
        for (const char* p : table[static_cast<size_t>(a)].train)
            for (int k = 0; k < 8; ++k) {
                const auto s = synonym_training_phrase(a, p, rng);
                if (!s) continue;
                auto old_words = TinyVocab::split_words(p);
                auto new_words = TinyVocab::split_words(*s);
                QCOMPARE(new_words.size(), old_words.size());
                QVERIFY2(synonyms[old_words[0]].count(new_words[0]), s->c_str());
                const auto stem = TinyVocab::entries(new_words[0], TinyVocab::WordForm::Stem)[0];
                const auto it = actions_using.find(stem);
                QVERIFY2(it == actions_using.end() || it->second == std::set<int>{a}, s->c_str());
                old_words.erase(old_words.begin());
                new_words.erase(new_words.begin());
                QCOMPARE(new_words, old_words);
                substituted.insert(std::string(action_name(static_cast<Action>(a))) + ":" +
                                   TinyVocab::split_words(*s)[0]);
            }
    QVERIFY2(substituted.size() >= 30, std::to_string(substituted.size()).c_str());
    QVERIFY(substituted.count("spin:whirls"));
    QVERIFY(substituted.count("jump_forward:springs"));
    QVERIFY(!substituted.count("turn_left:spins"));  // another action's word
    // A first word without synonyms, or none eligible, leaves the phrase alone and draws nothing.
    std::mt19937_64 x(3), y(3);
    QVERIFY(!synonym_training_phrase(0, "stands still", x));
    QCOMPARE(x(), y());
    // The vocabulary built for it has every word training can draw; without it, none of them.
    const TinyVocab with = build_training_vocab(1, 2000, true);
    const TinyVocab without = build_training_vocab(1, 2000, false);
    QVERIFY(with.size() > without.size() + 30);
    std::mt19937_64 r(11);
    for (int i = 0; i < 300; ++i) {
        const ClipSpec spec = random_clip_spec(r, 120, 0.35);
        const auto caption = make_caption(spec, CaptionSet::Train, r, {0.0, 0.4, 1.0});
        for (const auto id : with.encode(caption, 32))
            QVERIFY2(id != TinyVocab::kUnk, caption.c_str());
    }
}

void TstTrainingText::captionBatchesCarryTheTrainingLabels() {
    const TinyVocab vocab = build_training_vocab(1, 2000);
    const TrainBatch a = make_caption_batch(1, 3, 64, 0.35, 0.0, vocab, 32, {0.3, 0.4, 0.3});
    const TrainBatch b = make_caption_batch(1, 3, 64, 0.35, 0.0, vocab, 32, {0.3, 0.4, 0.3});
    const TrainBatch c = make_caption_batch(1, 4, 64, 0.35, 0.0, vocab, 32, {0.3, 0.4, 0.3});
    QCOMPARE(a.captions, b.captions);
    QVERIFY(a.captions != c.captions);
    QVERIFY(!a.x1.defined());
    QCOMPARE(a.ids.size(0), int64_t{64});
    QCOMPARE(a.labels.sizes(), (at::IntArrayRef{64, 2}));
    int sequences = 0;
    for (int64_t i = 0; i < 64; ++i) {
        const int64_t p1 = a.labels[i][0].item<int64_t>(), p2 = a.labels[i][1].item<int64_t>();
        sequences += p2 != kActionCount;
        for (int64_t k = 0; k < a.ids.size(1); ++k) {
            const int64_t t = a.token_labels[i][k].item<int64_t>();
            QCOMPARE(t == -100, !a.text_valid[i][k].item<bool>());
            QVERIFY(t == -100 || t == kActionCount || t == p1 || t == p2);
        }
    }
    QVERIFY(sequences > 5 && sequences < 40);
}

void TstTrainingText::textPretrainingLearnsTheActions() {
    at::manual_seed(0);
    const TinyVocab vocab = build_training_vocab(1, 4000);
    auto enc =
        kinema::TinyTextEncoder::create({static_cast<int64_t>(vocab.size()), 64, 4, 2, 32, 2.0});
    QVERIFY(static_cast<bool>(enc));
    (*enc)->init_random_weights(2, {});
    const int64_t n = kActionCount + 1;
    TextHeads heads{at::randn({2 * n, 64}) * 0.125, at::zeros({2 * n}), at::randn({n, 64}) * 0.125,
                    at::zeros({n})};
    for (const auto& e : (*enc)->registry().entries())
        e.slot->requires_grad_(true);
    for (at::Tensor* t : {&heads.action_w, &heads.action_b, &heads.token_w, &heads.token_b})
        t->requires_grad_(true);
    const auto prompts = validation_eval_prompts();
    const double before = caption_action_accuracy(**enc, heads, vocab, prompts).percent();
    TextPretrainOptions o;
    o.steps = 200;
    o.batch = 64;
    o.log_every = 1000;
    QVERIFY(static_cast<bool>(pretrain_text_encoder(**enc, heads, vocab, o)));
    const double after = caption_action_accuracy(**enc, heads, vocab, prompts).percent();
    QVERIFY2(before < 20 && after > 70,
             (std::to_string(before) + " -> " + std::to_string(after)).c_str());
}

QTEST_GUILESS_MAIN(TstTrainingText)
#include "tst_training_text.moc"
