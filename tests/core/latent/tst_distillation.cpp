// SPDX-License-Identifier: Apache-2.0
// Distilled students: the gap-recovered figure (exact rows), a student trained from the PCA
// fold against its teacher, and the trainer's teacher term (w = 0 is plain training).
#include "latent/distillation.h"
#include "latent/gaprecovered.h"
#include "latent/pcafold.h"

#include "eval/evaluator.h"

#include "latenttestdata.h"

#include <ATen/ATen.h>

#include <QtTest>

#include <cmath>

using namespace pareto;

using Doubles = std::vector<double>;
using DoublesList = std::vector<std::vector<double>>;
Q_DECLARE_METATYPE(Doubles)
Q_DECLARE_METATYPE(DoublesList)

class TestDistillation : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void initTestCase();
    void gapRecovered_data();
    void gapRecovered();
    void gapBootstrapIsPairedAndDeterministic();
    void studentStartsFromFoldAndLearns();
    void teacherWeightZeroIsPlainTraining();
    void rejectsBadInputs();

private:
    Dataset m_train, m_val;
    ModelPtr m_teacher;
};

void TestDistillation::initTestCase() {
    m_train = test::rectangles(256, 1);
    m_val = test::rectangles(64, 2);
    TrainConfig c;
    c.latentDim = 8;
    c.epochs = 3;
    c.batchSize = 32;
    c.learningRate = 3e-3;
    c.patience = 0;
    c.seed = 4;
    auto t = test::trainTinyVae(m_train, m_val, c);
    QVERIFY(t.ok());
    m_teacher = t->model;
}

void TestDistillation::gapRecovered_data() {
    QTest::addColumn<Doubles>("pca");
    QTest::addColumn<Doubles>("student");
    QTest::addColumn<DoublesList>("scratch");
    QTest::addColumn<double>("expected");  // NaN: undefined
    const double nan = std::nan("");
    QTest::newRow("half the gap") << Doubles{0.4, 0.4} << Doubles{0.3, 0.3} << DoublesList{{0.2, 0.2}} << 0.5;
    QTest::newRow("all of it") << Doubles{0.4, 0.2} << Doubles{0.1, 0.1} << DoublesList{{0.1, 0.1}} << 1.0;
    QTest::newRow("better than scratch") << Doubles{0.4} << Doubles{0.05} << DoublesList{{0.1}} << 35.0 / 30.0;
    QTest::newRow("worse than the fold") << Doubles{0.2} << Doubles{0.3} << DoublesList{{0.1}} << -1.0;
    QTest::newRow("scratch seeds averaged per image") << Doubles{0.4, 0.4} << Doubles{0.3, 0.3}
                                                      << DoublesList{{0.1, 0.1}, {0.3, 0.3}} << 0.5;
    QTest::newRow("no gap: fold as good as scratch") << Doubles{0.1} << Doubles{0.1} << DoublesList{{0.2}} << nan;
    QTest::newRow("no scratch model") << Doubles{0.4} << Doubles{0.3} << DoublesList{} << nan;
    QTest::newRow("mismatched lengths") << Doubles{0.4, 0.4} << Doubles{0.3} << DoublesList{{0.1, 0.1}} << nan;
}

void TestDistillation::gapRecovered() {
    QFETCH(Doubles, pca);
    QFETCH(Doubles, student);
    QFETCH(DoublesList, scratch);
    QFETCH(double, expected);
    const GapRecovered g = pareto::gapRecovered(pca, student, scratch);
    if (std::isnan(expected)) {
        QVERIFY(!g.defined);
        QVERIFY(std::isnan(g.recovered.mean));
        QVERIFY(!g.note.empty());
        return;
    }
    QVERIFY(g.defined);
    QVERIFY2(std::abs(g.recovered.mean - expected) < 1e-12, qPrintable(QString::number(g.recovered.mean)));
    QVERIFY(g.recovered.lo <= g.recovered.mean + 1e-12 && g.recovered.mean <= g.recovered.hi + 1e-12);
    QCOMPARE(g.scratchModels, int(scratch.size()));
}

void TestDistillation::gapBootstrapIsPairedAndDeterministic() {
    // Per-image MSEs that vary a lot between images but keep their order between models:
    // pairing keeps the CI of the ratio narrow.
    at::Generator gen = at::detail::createCPUGenerator(3);
    const at::Tensor difficulty = at::rand({200}, gen, at::kDouble) * 0.1 + 0.01;
    const auto vec = [](const at::Tensor& t) { return Doubles(t.data_ptr<double>(), t.data_ptr<double>() + t.numel()); };
    const Doubles pca = vec((difficulty * 2.0).contiguous()), student = vec((difficulty * 1.5).contiguous()),
                  scratch = vec(difficulty.contiguous());
    const GapRecovered a = pareto::gapRecovered(pca, student, {scratch}), b = pareto::gapRecovered(pca, student, {scratch});
    QCOMPARE(a.recovered.lo, b.recovered.lo);
    QCOMPARE(a.recovered.hi, b.recovered.hi);
    QVERIFY(std::abs(a.recovered.mean - 0.5) < 1e-12);
    QVERIFY(a.recovered.hi - a.recovered.lo < 1e-9);  // exact proportionality survives every resample
    QCOMPARE(a.n, qint64(200));
}

void TestDistillation::studentStartsFromFoldAndLearns() {
    auto stats = collectLatentStatistics(*m_teacher, m_train);
    QVERIFY(stats.ok());
    DistillConfig dc;
    dc.epochs = 2;
    dc.batchSize = 32;
    dc.learningRate = 2e-3;
    auto r = distillStudent(m_teacher, *stats, 2, m_train, m_val, dc);
    QVERIFY2(r.ok(), r.ok() ? "" : r.error().message.c_str());
    QCOMPARE(r->student()->info().latentDim, qint64(2));
    QCOMPARE(r->training.history.size(), size_t(2));
    // The starting point is exactly the fold at k = 2.
    auto fold = foldPca(*m_teacher, *pcaProjection(*stats, 2));
    QVERIFY(fold.ok());
    const StateDict init = modelWeights(*r->pcaInit), folded = modelWeights(**fold);
    for (const auto& e : folded.entries()) QVERIFY(e.tensor.equal(init.get(e.name)));
    QVERIFY(!modelWeights(*r->student()).get("fc_mu.weight").equal(init.get("fc_mu.weight")));
    // Fine-tuning closes part of the truncation's loss on held-out images.
    auto pca = evaluateModel(*r->pcaInit, m_val), student = evaluateModel(*r->student(), m_val);
    QVERIFY(pca.ok() && student.ok());
    const double mPca = summarize(*pca).mse.mean, mStudent = summarize(*student).mse.mean;
    QVERIFY2(mStudent < mPca, qPrintable(QString("student %1, PCA fold %2").arg(mStudent).arg(mPca)));
}

void TestDistillation::teacherWeightZeroIsPlainTraining() {
    TrainConfig c;
    c.latentDim = 8;
    c.epochs = 1;
    c.batchSize = 32;
    c.patience = 0;
    c.seed = 9;
    c.teacherWeight = 0.0;
    const Dataset small = test::rectangles(64, 5);
    auto plain = trainModel(m_teacher, small, m_val, c);
    auto withTeacher = trainModel(m_teacher, small, m_val, c, {}, m_teacher.get());
    QVERIFY(plain.ok() && withTeacher.ok());
    QVERIFY(modelWeights(*plain->model).get("fc_mu.weight").allclose(modelWeights(*withTeacher->model).get("fc_mu.weight"), 1e-6, 1e-7));
    QVERIFY(std::abs(plain->history[0].valLoss - withTeacher->history[0].valLoss) < 1e-4 * plain->history[0].valLoss);
    // With w = 1 the objective is the teacher's output: the validation loss differs, the
    // validation MSE is still measured against the data.
    c.teacherWeight = 1.0;
    auto imitate = trainModel(m_teacher, small, m_val, c, {}, m_teacher.get());
    QVERIFY(imitate.ok());
    QVERIFY(imitate->history[0].valLoss < plain->history[0].valLoss);
    QVERIFY(imitate->history[0].valMse > 0);
}

void TestDistillation::rejectsBadInputs() {
    auto stats = collectLatentStatistics(*m_teacher, m_val);
    QVERIFY(stats.ok());
    DistillConfig dc;
    dc.epochs = 1;
    auto badK = distillStudent(m_teacher, *stats, 9, m_train, m_val, dc);
    QVERIFY(!badK.ok());
    QVERIFY(QString::fromStdString(badK.error().message).contains("between 1 and the latent size 8"));
    dc.teacherWeight = 1.5;
    QVERIFY(!distillStudent(m_teacher, *stats, 2, m_train, m_val, dc).ok());
    const ModelPtr other = test::freshTinyVae(1, 4, 1);
    QVERIFY(!distillStudent(other, *stats, 2, m_train, m_val, {}).ok());
    // Cancel is not a failure.
    const ProgressSink stop([](double, const std::string&) { return false; });
    auto cancelled = distillStudent(m_teacher, *stats, 2, m_train, m_val, {}, stop);
    QVERIFY(!cancelled.ok() && cancelled.error().isCancelled());
}

QTEST_GUILESS_MAIN(TestDistillation)
#include "tst_distillation.moc"
