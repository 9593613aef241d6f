// The shipped kinema-tiny model (resources/models/kinema-tiny): loads through the model folder
// API, and its generations for a few prompts (50 Euler steps, CFG 5, 4 s, seed 0 - the engine's
// path) are recognised by the rule-based judge.
#include <ATen/ATen.h>
#include <ATen/Parallel.h>

#include <QtTest/QtTest>

#include "app/train/action_catalog.h"
#include "app/train/tiny_evaluator.h"
#include "core/model_paths.h"
#include "core/tiny/kinema_tiny_model.h"

using namespace kinema;
using namespace kinema::train;

class TstKinemaTinyGolden : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void initTestCase();
    void folderDescribesTheModel();
    void promptsAreJudgedCorrectly_data();
    void promptsAreJudgedCorrectly();

private:
    std::filesystem::path dir_ =
        std::filesystem::path(KINEMA_SOURCE_DIR) / "resources/models/kinema-tiny";
    std::optional<KinemaTinyModel> model_;
};

void TstKinemaTinyGolden::initTestCase() {
    at::set_num_threads(1);
    auto m = load_kinema_tiny(dir_);
    QVERIFY2(m.ok(), m.ok() ? "" : m.error().describe().c_str());
    model_ = std::move(*m);
}

void TstKinemaTinyGolden::folderDescribesTheModel() {
    QCOMPARE(model_->known_actions, all_action_names());
    QCOMPARE(model_->checkpoint.config.pipeline.train_frames, int64_t(120));
    QVERIFY(model_->checkpoint.has_pipeline);
    uint64_t bytes = 0;
    for (const auto& e : std::filesystem::directory_iterator(dir_))
        bytes += e.file_size();
    QVERIFY2(bytes <= 25ull * 1024 * 1024, qPrintable(QString::number(bytes)));
}

void TstKinemaTinyGolden::promptsAreJudgedCorrectly_data() {
    QTest::addColumn<QString>("prompt");
    QTest::addColumn<QStringList>("expected");
    // Prompts the shipped (short-trained) weights get right; see docs/kinema-tiny.md for the
    // held-out accuracy, which is still far below the 80 % goal.
    QTest::newRow("wave both") << "a person waves with both hands" << QStringList{"wave_both"};
    QTest::newRow("hop") << "a person hops on one leg" << QStringList{"hop"};
}

void TstKinemaTinyGolden::promptsAreJudgedCorrectly() {
    QFETCH(QString, prompt);
    QFETCH(QStringList, expected);
    auto text = make_tiny_text_conditioner(*model_);
    auto r = generate_and_judge(*model_, *text, prompt.toStdString(),
                                static_cast<int>(expected.size()), 0);
    QVERIFY2(r.ok(), r.ok() ? "" : r.error().describe().c_str());
    QCOMPARE(r->frames.size(0), int64_t(120));
    QVERIFY(at::isfinite(r->frames).all().item<bool>());
    QStringList got;
    for (Action a : r->judged)
        got << action_name(a);
    QVERIFY2(got == expected,
             qPrintable(got.join("+") + " | " + QString::fromStdString(r->features)));
}

QTEST_GUILESS_MAIN(TstKinemaTinyGolden)
#include "tst_kinema_tiny_golden.moc"
