// GenerationController, PlaybackClock, GenerationSettings and DisplayClip, driven the way QML
// drives them, with the engine's built-in random-weight model "debug-random" (CPU, seconds).
#include <QCoreApplication>
#include <QSettings>
#include <QSignalSpy>
#include <QtTest>

#include "app/gui/export_controller.h"
#include "app/gui/generation_controller.h"
#include "app/gui/plan_estimate.h"
#include "app/gui/playback_clock.h"

namespace {

constexpr int kEngineTimeoutMs = 120000;
constexpr int kRunTimeoutMs = 300000;

bool wait_engine(GenerationController& c) {
    if (c.engineState() == QLatin1String("starting") || c.engineState() == QLatin1String("idle")) {
        QSignalSpy spy(&c, &GenerationController::engineStateChanged);
        QElapsedTimer t;
        t.start();
        while (c.engineState() != QLatin1String("ready") &&
               c.engineState() != QLatin1String("unavailable") && t.elapsed() < kEngineTimeoutMs)
            spy.wait(1000);
    }
    return c.engineState() == QLatin1String("ready");
}

void configure_small(GenerationSettings* s, int steps, double duration_s) {
    s->setProperty("prompt", QStringLiteral("A person walks forward."));
    s->setProperty("modelId", QStringLiteral("debug-random"));
    s->setProperty("steps", steps);
    s->setProperty("durationS", duration_s);
    s->setProperty("seeds", QStringLiteral("0"));
    s->setProperty("teacacheEnabled", false);
    s->setProperty("qualityMode", false);
}

}  // namespace

class TestGenerationController : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void initTestCase() {
        QCoreApplication::setOrganizationName(QStringLiteral("KinemaTests"));
        QCoreApplication::setApplicationName(QStringLiteral("tst_generation_controller"));
        QSettings().clear();
    }

    void settingsPersistAndClamp() {
        {
            GenerationSettings s;
            s.setProperty("prompt", QStringLiteral("one two three"));
            s.setProperty("durationS", 40.0);
            s.setProperty("steps", 12);
            s.setVariations(3);
            QCOMPARE(s.wordCount(), 3);
            QCOMPARE(s.variations(), 3);
            QCOMPARE(s.property("seeds").toString(), QStringLiteral("0, 1, 2"));
            const kinema::GenerationRequest r = s.toRequest();
            QCOMPARE(r.duration_s, 12.0);  // clamped to the UI range
            QCOMPARE(r.steps, int64_t(12));
            QCOMPARE(r.seeds.size(), size_t(3));
        }
        GenerationSettings again;  // a new instance reads QSettings back
        QCOMPARE(again.property("prompt").toString(), QStringLiteral("one two three"));
        QCOMPARE(again.property("steps").toInt(), 12);
        QCOMPARE(again.variations(), 3);
        again.rollSeeds();
        QCOMPARE(again.variations(), 3);
        again.setVariations(1);
        QCOMPARE(again.seedList().size(), size_t(1));
    }

    void playbackClockLoopsAndClamps() {
        PlaybackClock clock;
        clock.setFps(30);
        clock.setDurationS(2.0);  // 60 frames, last at 59/30 s
        QCOMPARE(clock.frameCount(), 60);
        clock.setSpeed(5.0);
        QCOMPARE(clock.speed(), 2.0);
        clock.setSpeed(0.1);
        QCOMPARE(clock.speed(), 0.25);
        clock.setSpeed(1.0);
        clock.advance(1.0);
        QCOMPARE(clock.frame(), 30);
        clock.advance(1.5);  // wraps past the last frame
        QVERIFY(clock.timeS() < 1.0);
        clock.setLoop(false);
        clock.advance(10.0);
        QCOMPARE(clock.frame(), 59);
        QVERIFY(!clock.playing());
        clock.stepFrames(-5);
        QCOMPARE(clock.frame(), 54);
    }

    void planSummaryFollowsPreservation() {
        PlanInputs in;
        in.model_id = QStringLiteral("hy-motion-1.0");
        in.has_device = true;
        in.device_total_bytes = 8ull << 30;
        in.device_free_bytes = 7ull << 30;
        in.host_total_bytes = 32ull << 30;
        in.preservation_gb = 0.5;
        const QString loose = plan_summary(in);
        in.preservation_gb = 5.0;
        const QString tight = plan_summary(in);
        qInfo("plan at 0.5 GB preserved: %s", qPrintable(loose));
        qInfo("plan at 5 GB preserved: %s", qPrintable(tight));
        QVERIFY(loose.contains(QStringLiteral("DiT blocks resident")));
        QVERIFY(loose != tight);  // preserving more memory changes the plan
        in.has_device = false;
        QVERIFY(plan_summary(in).startsWith(QStringLiteral("CPU plan")));
        in.model_id = QStringLiteral("debug-random");
        QVERIFY(plan_summary(in).isEmpty());  // built-in models need no plan
    }

    void engineStartsOrReportsWhy() {
        GenerationController c;
        const bool ready = wait_engine(c);
        if (!ready) {
            QCOMPARE(c.engineState(), QStringLiteral("unavailable"));
            QVERIFY2(!c.errorMessage().isEmpty(), "an unavailable engine must explain itself");
            QVERIFY(!c.generate());
            QSKIP("Engine::create failed on this build; generation tests need the engine");
        }
        QVERIFY(c.library()->indexOf(QStringLiteral("debug-random")) >= 0);
    }

    // A saved model that is not there any more (or none): the controller falls back to the first
    // available model and starts from that model's own recommended guidance.
    void fallbackModelStartsFromItsRecommendedGuidance() {
        {
            GenerationSettings s;
            s.setProperty("modelId", QStringLiteral("no-such-model"));
            s.setProperty("cfgScale", 9.0);  // saved on change
        }
        GenerationController c;
        if (!wait_engine(c)) QSKIP("engine unavailable");
        const QString id = c.settings()->property("modelId").toString();
        QCOMPARE(id, c.library()->firstAvailable());
        QCOMPARE(c.settings()->property("cfgScale").toDouble(), c.library()->recommendedCfg(id));
        QCOMPARE(c.library()->recommendedCfg(QStringLiteral("debug-random")), 5.0);
        if (id == QLatin1String("kinema-tiny"))  // the embedded model's own value, not HY-Motion's
            QVERIFY(c.library()->recommendedCfg(id) < 5.0);
    }

    // The saved model at start-up: a guidance that was the model's default when it was saved (or
    // of unknown origin, from an older build) follows the model's current recommendation; one the
    // user chose stays.
    void savedGuidanceFollowsTheModelUnlessTheUserChoseIt() {
        QString id;
        double recommended = 0;
        {
            GenerationController c;
            if (!wait_engine(c)) QSKIP("engine unavailable");
            id = c.settings()->property("modelId").toString();
            recommended = c.library()->recommendedCfg(id);
        }
        auto start_with = [&](double cfg, double model_default) {
            {
                GenerationSettings s;
                s.setProperty("modelId", id);
                s.setProperty("cfgScale", cfg);
                s.setProperty("cfgModelDefault", model_default);
            }
            GenerationController c;
            if (!wait_engine(c) || c.settings()->property("modelId").toString() != id)
                return -1.0;  // not the saved model: fails the comparisons below
            return c.settings()->property("cfgScale").toDouble();
        };
        const double old_default = recommended + 1.5;  // the model recommended this before
        QCOMPARE(start_with(old_default, old_default), recommended);
        QCOMPARE(start_with(old_default, 0.0), recommended);  // saved by an older build
        QCOMPARE(start_with(recommended + 3.0, recommended), recommended + 3.0);  // user's choice
        QCOMPARE(start_with(recommended + 3.0, old_default), recommended + 3.0);  // user's choice
        GenerationSettings s;
        s.useModelGuidance(2.5);
        QCOMPARE(s.property("cfgScale").toDouble(), 2.5);
        QCOMPARE(s.property("cfgModelDefault").toDouble(), 2.5);
    }

    void progressIsMonotonicWithOnePreviewPerStep() {
        GenerationController c;
        if (!wait_engine(c)) QSKIP("engine unavailable");
        configure_small(c.settings(), 8, 1.0);
        QList<int> steps;
        connect(&c, &GenerationController::progressChanged, this, [&] { steps << c.step(); });
        QSignalSpy previews(&c, &GenerationController::previewShown);
        QSignalSpy done(&c, &GenerationController::generationFinished);
        QVERIFY(c.generate());
        QVERIFY(c.busy());
        QVERIFY(!c.generate());  // one run at a time
        QVERIFY(done.wait(kRunTimeoutMs));
        QCOMPARE(done.first().first().toBool(), true);
        QVERIFY2(c.errorMessage().isEmpty(), qPrintable(c.errorMessage()));
        for (int i = 1; i < steps.size(); ++i)
            QVERIFY(steps[i] >= steps[i - 1]);
        QCOMPARE(c.step(), 8);
        QCOMPARE(c.totalSteps(), 8);
        QCOMPARE(c.previewsComputed(), 8);  // TeaCache off: every step computed and previewed
        QVERIFY(previews.count() >= 1);     // coalesced: at least one reached the UI
        QVERIFY(previews.count() <= 8);
        QVERIFY(!c.busy());
        QVERIFY(!c.live());
        QCOMPARE(c.clipCount(), 1);
        QVERIFY(c.hasResult());
        QVERIFY(qAbs(c.clipDurationS() - 1.0) < 0.2);
        QVERIFY(c.maxUiStallMs() >= 0);
        qInfo("longest GUI-thread stall without rendering: %.1f ms", c.maxUiStallMs());

        // The slerp + FK path reproduces the engine's joints at whole frames.
        const DisplayClip& clip = c.clips()->front();
        QVERIFY2(clip.fk_matches, "forward kinematics of the body skeleton disagrees with joints");
        QVector3D pose[kDisplayJoints];
        for (int f : {0, clip.frames / 2, clip.frames - 1}) {
            clip.pose_at(f / clip.fps, pose);
            for (int j = 0; j < kDisplayJoints; ++j)
                QVERIFY((pose[j] - clip.joints[size_t(f) * kDisplayJoints + j]).length() < 0.01f);
        }
        // Between frames the pose lies between its neighbours (no jumps).
        clip.pose_at(10.5 / clip.fps, pose);
        const QVector3D a = clip.joints[size_t(10) * kDisplayJoints];
        const QVector3D b = clip.joints[size_t(11) * kDisplayJoints];
        QVERIFY((pose[0] - (a + b) * 0.5f).length() <= (a - b).length() + 1e-4f);
    }

    // Every control of the panels reaches the request the worker hands to the engine.
    void everyControlReachesTheWorker() {
        GenerationController c;
        if (!wait_engine(c)) QSKIP("engine unavailable");
        GenerationSettings* s = c.settings();
        configure_small(s, 3, 1.0);
        s->setProperty("prompt", QStringLiteral("  A person   waves hello. "));
        s->setProperty("durationS", 1.5);
        s->setProperty("steps", 4);
        s->setProperty("cfgScale", 7.5);
        s->setProperty("seeds", QStringLiteral("11, 12"));
        s->setProperty("teacacheEnabled", true);
        s->setProperty("teacacheThreshold", 0.25);
        s->setProperty("preservationGb", 3.5);
        s->setProperty("precision", QStringLiteral("fp32"));
        s->setProperty("solver", QStringLiteral("heun"));
        s->setProperty("smooth", false);
        QSignalSpy done(&c, &GenerationController::generationFinished);
        QVERIFY(c.generate());
        QVERIFY(done.wait(kRunTimeoutMs));
        QVERIFY2(done.first().first().toBool(), qPrintable(c.errorMessage()));
        kinema::GenerationRequest r = c.lastWorkerRequest();
        QCOMPARE(QString::fromStdString(r.prompt), QStringLiteral("A person waves hello."));
        QCOMPARE(r.duration_s, 1.5);
        QCOMPARE(r.steps, int64_t(4));
        QCOMPARE(r.cfg_scale, 7.5);
        QCOMPARE(r.seeds, (std::vector<int64_t>{11, 12}));
        QCOMPARE(QString::fromStdString(r.model_id), QStringLiteral("debug-random"));
        QVERIFY(!r.quality_mode);
        QVERIFY(r.teacache.enabled);
        QCOMPARE(r.teacache.threshold, 0.25);
        QCOMPARE(r.gpu_memory_preservation_gb, 3.5);
        QVERIFY(r.precision == kinema::PrecisionProfile::Fp32);
        QVERIFY(r.solver == kinema::Solver::Heun);
        QVERIFY(!r.post.smooth);
        QVERIFY(r.want_preview);
        QVERIFY(r.cancel);                                     // Cancel can reach the sampler
        QVERIFY(r.callbacks.preview && r.callbacks.progress);  // live preview and progress
        QCOMPARE(c.clipCount(), 2);                            // one clip per seed

        // Quality Mode is the reference path: TeaCache stays off whatever its switch says.
        s->setProperty("qualityMode", true);
        s->setProperty("solver", QStringLiteral("rk4"));
        s->setProperty("modelId", QStringLiteral("kinema-tiny"));
        done.clear();
        QVERIFY(c.generate());
        QVERIFY(done.wait(kRunTimeoutMs));
        r = c.lastWorkerRequest();
        QVERIFY(r.quality_mode);
        QVERIFY(!r.teacache.enabled);
        QVERIFY(r.solver == kinema::Solver::Rk4);
        QCOMPARE(QString::fromStdString(r.model_id), QStringLiteral("kinema-tiny"));
    }

    void exportWritesTheSelectedClip() {
        GenerationController c;
        if (!wait_engine(c)) QSKIP("engine unavailable");
        ExportController exporter;
        exporter.setProperty("controller", QVariant::fromValue(&c));
        QVERIFY(!exporter.exportTo(QStringLiteral("json")));  // nothing generated yet
        QVERIFY(!exporter.lastOk());
        configure_small(c.settings(), 4, 1.0);
        c.settings()->setProperty("seeds", QStringLiteral("3, 4"));
        QSignalSpy done(&c, &GenerationController::generationFinished);
        QVERIFY(c.generate());
        QVERIFY(done.wait(kRunTimeoutMs));
        QCOMPARE(c.clipCount(), 2);
        c.setSelectedClip(1);
        QTemporaryDir dir;
        exporter.setFolder(dir.path());
        QSignalSpy exported(&exporter, &ExportController::exported);
        QVERIFY(exporter.exportTo(QStringLiteral("json")));
        QVERIFY(exported.wait(60000));
        QVERIFY2(exported.first().at(0).toBool(), qPrintable(exporter.lastMessage()));
        const QString path = exported.first().at(1).toString();
        QVERIFY(path.endsWith(QStringLiteral("_s4.json")));  // the selected variation's seed
        QVERIFY(QFileInfo(path).size() > 100);
        QVERIFY(!exporter.exportTo(QStringLiteral("mp4")));  // TODO(export-mp4)
    }

    void cancelStopsWithinAStep() {
        GenerationController c;
        if (!wait_engine(c)) QSKIP("engine unavailable");
        configure_small(c.settings(), 200, 2.0);
        QSignalSpy done(&c, &GenerationController::generationFinished);
        int cancelled_at = -1;
        connect(&c, &GenerationController::progressChanged, this, [&] {
            if (cancelled_at < 0 && c.step() >= 2) {
                cancelled_at = c.step();
                c.cancel();
            }
        });
        QVERIFY(c.generate());
        QVERIFY(done.wait(kRunTimeoutMs));
        QCOMPARE(done.first().first().toBool(), false);
        QVERIFY(cancelled_at >= 2);
        QVERIFY2(c.step() <= cancelled_at + 3, "cancel must stop the sampler within a step");
        QVERIFY2(c.errorMessage().isEmpty(), "cancel is not an error");
        QVERIFY(c.lastRunSummary().contains(QStringLiteral("Cancelled")));
        QVERIFY(!c.busy());
        QVERIFY(!c.hasResult());
        QCOMPARE(c.clipCount(), 0);  // no partial result is shown as if it were final
    }

    void errorsReachTheBanner() {
        GenerationController c;
        if (!wait_engine(c)) QSKIP("engine unavailable");
        QSignalSpy errors(&c, &GenerationController::errorChanged);
        c.settings()->setProperty("prompt", QString());
        QVERIFY(!c.generate());  // refused up front
        QVERIFY(!c.errorMessage().isEmpty());
        c.dismissError();
        QVERIFY(c.errorMessage().isEmpty());

        configure_small(c.settings(), 4, 1.0);
        c.settings()->setProperty("modelId", QStringLiteral("no-such-model"));
        QSignalSpy done(&c, &GenerationController::generationFinished);
        QVERIFY(c.generate());
        QVERIFY(done.wait(kRunTimeoutMs));
        QCOMPARE(done.first().first().toBool(), false);
        QVERIFY2(!c.errorMessage().isEmpty(), "a failed run must show the typed error");
        QVERIFY(errors.count() >= 3);
        QVERIFY(!c.busy());
    }
};

QTEST_GUILESS_MAIN(TestGenerationController)
#include "tst_generation_controller.moc"
