// kinema-tiny's word-level phrase edits (edited_training_phrase, make_caption's phrase_edit_prob):
// each edit is one adjacent swap, one inserted unknown word or an unknown first word; nothing
// else changes, no edit yields a held-out phrase of any set or another action's training phrase,
// and the edited words stay tagged with their part.
#include <QtTest/QtTest>
#include <algorithm>
#include <random>
#include <set>

#include "app/train/action_catalog.h"
#include "app/train/caption_table.h"
#include "app/train/heldout3_table.h"
#include "app/train/phrase_mixing.h"
#include "core/tiny/tiny_vocab.h"

using namespace kinema::train;
using kinema::TinyVocab;

namespace {

std::vector<std::string> spaced_words(const std::string& text) {
    std::vector<std::string> out;
    std::string w;
    for (char c : text + " ")
        if (c == ' ') {
            if (!w.empty()) out.push_back(w);
            w.clear();
        } else {
            w += c;
        }
    return out;
}

std::string stems(const std::string& text) {
    std::string out;
    for (const auto& w : TinyVocab::entries(text, TinyVocab::WordForm::Stem))
        out += " " + w;
    return out + " ";
}

enum class EditKind { None, Swap, Insert, UnknownFirst, Other };

EditKind classify(const std::vector<std::string>& before, const std::vector<std::string>& after) {
    if (after == before) return EditKind::None;
    if (after.size() == before.size() + 1) {
        for (size_t i = 0; i < after.size(); ++i)
            if (after[i] == kUnknownWord) {
                auto rest = after;
                rest.erase(rest.begin() + static_cast<std::ptrdiff_t>(i));
                if (rest == before) return EditKind::Insert;
            }
        return EditKind::Other;
    }
    if (after.size() != before.size()) return EditKind::Other;
    if (after.front() == kUnknownWord &&
        std::equal(after.begin() + 1, after.end(), before.begin() + 1))
        return EditKind::UnknownFirst;
    for (size_t i = 0; i + 1 < before.size(); ++i) {
        auto swapped = before;
        std::swap(swapped[i], swapped[i + 1]);
        if (swapped == after) return EditKind::Swap;
    }
    return EditKind::Other;
}

}  // namespace

class TstCaptionAugmentation : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void editsAreOneSwapOrOneUnknownWord();
    void editsNeverReachHeldOutPhrases();
    void editedWordsKeepTheirPart();
};

void TstCaptionAugmentation::editsAreOneSwapOrOneUnknownWord() {
    const auto& table = caption_table();
    std::mt19937_64 rng(3);
    std::map<EditKind, int> kinds;
    for (int a = 0; a < kActionCount; ++a)
        for (const char* p : table[static_cast<size_t>(a)].train)
            for (int k = 0; k < 30; ++k) {
                const std::string edited = edited_training_phrase(a, p, rng);
                const auto before = spaced_words(p), after = spaced_words(edited);
                const EditKind kind = classify(before, after);
                QVERIFY2(kind != EditKind::Other, (std::string(p) + " -> " + edited).c_str());
                if (before.size() < 2) QCOMPARE(edited, std::string(p));
                ++kinds[kind];
            }
    // All three kinds happen, in roughly equal shares; unchanged only for one-word phrases and
    // the rare swap that is refused.
    int total = 0;
    for (const auto& [kind, n] : kinds)
        total += n;
    for (const EditKind k : {EditKind::Swap, EditKind::Insert, EditKind::UnknownFirst})
        QVERIFY2(kinds[k] > total / 4, qPrintable(QString::number(kinds[k])));
    QVERIFY(kinds[EditKind::None] < total / 8);
    // The same number of draws whatever the phrase (so the rest of a batch does not shift).
    std::mt19937_64 x(5), y(5);
    edited_training_phrase(0, "stands", x);
    edited_training_phrase(1, "walks forward with long steps", y);
    QCOMPARE(x(), y());
}

void TstCaptionAugmentation::editsNeverReachHeldOutPhrases() {
    // Held-out phrases of sets 1-3 and other actions' training phrases, as stems; every edit of
    // every training phrase (20 draws each) is checked against them.
    const auto& table = caption_table();
    std::vector<std::string> held;
    for (const auto& t : table)
        for (const auto* list : {&t.held_out, &t.held_out2})
            for (const char* p : *list)
                held.push_back(stems(p));
    for (const auto& list : heldout3_phrases())
        for (const char* p : list)
            held.push_back(stems(p));
    std::mt19937_64 rng(8);
    for (int a = 0; a < kActionCount; ++a) {
        std::set<std::string> others;
        for (int b = 0; b < kActionCount; ++b)
            if (b != a)
                for (const char* p : table[static_cast<size_t>(b)].train)
                    others.insert(stems(p));
        for (const char* p : table[static_cast<size_t>(a)].train)
            for (int k = 0; k < 20; ++k) {
                const std::string e = stems(edited_training_phrase(a, p, rng));
                if (e == stems(p)) continue;
                QVERIFY2(!others.count(e), e.c_str());
                for (const auto& h : held)
                    QVERIFY2(e.find(h) == std::string::npos, (e + " ~" + h).c_str());
            }
    }
}

void TstCaptionAugmentation::editedWordsKeepTheirPart() {
    // With every phrase edited, an unknown word inside a phrase is tagged with that phrase's
    // part (it stands for a word of the action), unknown glue with 0; held-out sets are never
    // edited; probability 0 draws nothing.
    std::mt19937_64 spec_rng(4);
    int unknown_in_phrase = 0;
    for (int i = 0; i < 300; ++i) {
        const ClipSpec spec = random_clip_spec(spec_rng, 120, 0.5);
        std::mt19937_64 a(i), b(i), c(i), d(i);
        std::vector<int> parts;
        const std::string caption = make_caption(spec, CaptionSet::Train, a, {0, 0, 1.0}, &parts);
        const auto words = caption_words(caption);
        QCOMPARE(parts.size(), words.size());
        for (size_t k = 0; k < words.size(); ++k)
            if (words[k] == kUnknownWord) {
                QVERIFY2(parts[k] > 0, caption.c_str());
                ++unknown_in_phrase;
            }
        QCOMPARE(make_caption(spec, CaptionSet::HeldOut2, b, {0, 0, 1.0}),
                 make_caption(spec, CaptionSet::HeldOut2, c));
        QCOMPARE(b(), c());
        std::mt19937_64 e(i);
        QCOMPARE(make_caption(spec, CaptionSet::Train, d, {0, 0, 0.0}),
                 make_caption(spec, CaptionSet::Train, e));
    }
    QVERIFY(unknown_in_phrase > 100);
}

QTEST_APPLESS_MAIN(TstCaptionAugmentation)
#include "tst_caption_augmentation.moc"
