// `pareto-studio`: opens the embedded demo (or a given checkpoint) in the studio window.
// --screenshot FILE grabs the window once the first preview and its held-out metrics are on
// screen; --bench-interaction times slider-to-painted-preview and event-loop stalls.
#include "bench/interactionbenchmark.h"
#include "jobs/abandonedjobs.h"
#include "mainwindow.h"
#include "session/truststore.h"

#include "common/resourcepaths.h"
#include "common/threads.h"

#include <QApplication>
#include <QCommandLineParser>
#include <QSettings>
#include <QTimer>

#include <cstdio>
#include <exception>
#include <cstdlib>
#include <memory>

namespace {

// An exception that escapes an event handler would otherwise terminate the process with
// nothing said: report it in one line and leave with exit status 1.
class StudioApplication : public QApplication {
public:
    using QApplication::QApplication;
    bool notify(QObject* receiver, QEvent* event) override {
        try {
            return QApplication::notify(receiver, event);
        } catch (const std::exception& e) {
            std::fprintf(stderr, "pareto-studio: internal error: %s\n", e.what());
        } catch (...) {
            std::fprintf(stderr, "pareto-studio: internal error (unknown exception)\n");
        }
        QCoreApplication::exit(1);
        return false;
    }
};

}  // namespace

int main(int argc, char** argv) {
    pareto::reexecWithSingleThreadedBlas(argv);
    StudioApplication app(argc, argv);
    QApplication::setApplicationName(QStringLiteral("Pareto Studio"));
    QApplication::setOrganizationName(QStringLiteral("Pareto"));
    pareto::configureComputeThreads();

    QCommandLineParser cli;
    cli.setApplicationDescription(QStringLiteral("Explore neural-network compression interactively."));
    cli.addHelpOption();
    cli.addPositionalArgument(QStringLiteral("checkpoint"), QStringLiteral("Model to open (default: the embedded demo)."));
    QCommandLineOption data(QStringLiteral("data"), QStringLiteral("Data spec (default: the embedded held-out subset)."), QStringLiteral("spec"));
    QCommandLineOption limit(QStringLiteral("limit"), QStringLiteral("Use the first N held-out images (default: all)."), QStringLiteral("N"));
    QCommandLineOption shot(QStringLiteral("screenshot"),
                            QStringLiteral("Save a PNG of the window once the first preview and its held-out metrics are shown, then quit."),
                            QStringLiteral("file"));
    QCommandLineOption bench(QStringLiteral("bench-interaction"),
                             QStringLiteral("Benchmark: slider change to painted preview (p50/p95 over --changes), and the longest "
                                            "event-loop stall during a sweep; prints the numbers and quits."));
    QCommandLineOption changes(QStringLiteral("changes"), QStringLiteral("Slider changes for --bench-interaction (default 100)."), QStringLiteral("N"), QStringLiteral("100"));
    QCommandLineOption out(QStringLiteral("out"), QStringLiteral("Write the --bench-interaction results as JSON to FILE."), QStringLiteral("file"));
    QCommandLineOption trust(QStringLiteral("trust-code"),
                             QStringLiteral("Run TorchScript files without asking (they are programs; for tests and scripts)."));
    for (const auto* o : {&data, &limit, &shot, &bench, &changes, &out, &trust}) cli.addOption(*o);
    cli.process(app);
    pareto::ui::TrustStore::setTrustAll(cli.isSet(trust));

    auto owned = std::make_unique<pareto::ui::MainWindow>();
    pareto::ui::MainWindow& window = *owned;
    const QString checkpoint = cli.positionalArguments().value(0, QString::fromStdString(pareto::demoModelPath()));
    const QString spec = cli.value(data).isEmpty() ? QString::fromStdString(pareto::demoDataSpec()) : cli.value(data);
    bool limitOk = true;
    const qint64 n = cli.isSet(limit) ? cli.value(limit).toLongLong(&limitOk) : -1;
    if (!limitOk || (cli.isSet(limit) && n <= 0)) {
        std::fprintf(stderr, "pareto-studio: --limit must be a positive number\n");
        return 2;
    }
    window.show();
    window.openModel(checkpoint, spec, n);

    if (cli.isSet(shot)) {
        const QString file = cli.value(shot);
        QObject::connect(&window, &pareto::ui::MainWindow::studioSettled, &window, [&window, file] {
            // Let the last results lay out and paint before grabbing.
            QTimer::singleShot(50, &window, [&window, file] {
                const bool ok = window.grab().save(file);
                if (!ok) std::fprintf(stderr, "pareto-studio: %s: could not write the screenshot\n", qPrintable(file));
                QApplication::exit(ok ? 0 : 1);
            });
        });
    }
    pareto::ui::InteractionBenchmark* benchmark = nullptr;
    if (cli.isSet(bench)) {
        benchmark = new pareto::ui::InteractionBenchmark(&window, std::max(1, cli.value(changes).toInt()), cli.value(out), &window);
        QObject::connect(&window, &pareto::ui::MainWindow::studioSettled, benchmark, [benchmark] {
            static bool started = false;
            if (started) return;
            started = true;
            benchmark->start();
        });
        QObject::connect(benchmark, &pareto::ui::InteractionBenchmark::finished, &app, [](int code) { QApplication::exit(code); });
    }
    const int rc = QApplication::exec();
    owned.reset();  // the jobs' destructors wait for their threads, or abandon stuck ones
    if (pareto::ui::AbandonedJobs::instance().count() > 0) {
        // A thread is still inside a model call that never returned: destroying the
        // application under it could crash. Keep what the user set, then leave at once.
        QSettings().sync();
        std::fprintf(stderr, "pareto-studio: %d background job(s) did not stop (a model call that does not return); exiting without waiting\n",
                     pareto::ui::AbandonedJobs::instance().count());
        std::fflush(nullptr);
        std::_Exit(rc);
    }
    return rc;
}
