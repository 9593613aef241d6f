// The held-out sets written blind, 3 and 4, are never trained on: no phrase is a training phrase
// or one of an earlier set, their glue is nobody else's, and no recombined training phrase
// contains one. No training phrase contains a held-out phrase of any set.
#include <QtTest/QtTest>
#include <random>
#include <set>

#include "app/train/action_catalog.h"
#include "app/train/caption_table.h"
#include "app/train/heldout3_table.h"
#include "app/train/heldout4_table.h"
#include "app/train/phrase_mixing.h"
#include "core/tiny/tiny_vocab.h"

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
// training thesaurus or of an earlier set; its glue is nobody else's; no recombined training
// phrase (4000 draws per action; a mix comes from a few thousand combinations) contains one of
// its phrases. Every hit listed.
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
    for (int a = 0; a < kActionCount; ++a)
        for (int k = 0; k < 4000; ++k)
            if (const auto m = mixed_training_phrase(a, rng)) check(*m);
    std::string list;
    for (const auto& r : reached)
        list += r + "; ";
    QVERIFY2(reached.empty(), list.c_str());
}

}  // namespace

class TstBlindHeldoutSets : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void heldOutSet3IsNeverTrainedOn();
    void heldOutSet4IsNeverTrainedOn();
    void noTrainingPhraseContainsAHeldOutPhrase();
};

void TstBlindHeldoutSets::heldOutSet3IsNeverTrainedOn() {
    checkNeverTrainedOn(heldout3_phrases(), heldout3_glue(), {},
                        {&train_glue(), &heldout_glue(), &heldout2_glue()});
    const auto prompts = heldout_eval_prompts(CaptionSet::HeldOut3);
    QCOMPARE(static_cast<int>(prompts.size()), 2 * kActionCount + 8);
    QCOMPARE(prompts[0].prompt, std::string("a teenager stays put without moving"));
}

void TstBlindHeldoutSets::heldOutSet4IsNeverTrainedOn() {
    checkNeverTrainedOn(heldout4_phrases(), heldout4_glue(), {&heldout3_phrases()},
                        {&train_glue(), &heldout_glue(), &heldout2_glue(), &heldout3_glue()});
    const auto prompts = heldout_eval_prompts(CaptionSet::HeldOut4);
    QCOMPARE(static_cast<int>(prompts.size()), 2 * kActionCount + 8);
    QCOMPARE(prompts[0].prompt, std::string("a ballerina stands without moving a muscle"));
    QCOMPARE(heldout_caption_set(4), CaptionSet::HeldOut4);
}

void TstBlindHeldoutSets::noTrainingPhraseContainsAHeldOutPhrase() {
    // A training phrase must not say a held-out phrase of any set inside a longer one ("takes side
    // steps to the left carefully"); this caught 34 drafts of the second thesaurus tried in commit
    // cb24fb6. Compared on stems; every hit listed.
    std::vector<std::string> held;
    for (const auto& t : caption_table())
        for (const auto* list : {&t.held_out, &t.held_out2})
            for (const char* p : *list)
                held.push_back(stems(p));
    for (const auto* set : {&heldout3_phrases(), &heldout4_phrases()})
        for (const auto& pair : *set)
            for (const char* p : pair)
                held.push_back(stems(p));
    QCOMPARE(static_cast<int>(held.size()), 4 * 2 * kActionCount);
    std::string hits;
    for (const auto& t : caption_table())
        for (const char* p : t.train) {
            const std::string s = stems(p);
            for (const auto& h : held)
                if (s.find(h) != std::string::npos) hits += std::string(p) + " ~" + h + "; ";
        }
    QVERIFY2(hits.empty(), hits.c_str());
}

QTEST_GUILESS_MAIN(TstBlindHeldoutSets)
#include "tst_blind_heldout_sets.moc"
