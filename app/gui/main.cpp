// SPDX-License-Identifier: Apache-2.0
// `pareto-studio`: opens the embedded demo (or a given checkpoint) in the studio window and,
// in a session with nothing swept yet, starts the default sweep in the background.
// --screenshot FILE grabs the window once the first preview and its held-out metrics are on
// screen (--screenshot-after sweep,grid: once those jobs finished too);
// --bench-interaction times slider-to-painted-preview and event-loop stalls.
#include "bench/screenshotrunner.h"
#include "bench/interactionbenchmark.h"
#include "help/appicon.h"
#include "jobs/abandonedjobs.h"
#include "mainwindow.h"
#include "session/autosweep.h"
#include "session/truststore.h"

#include "common/resourcepaths.h"
#include "common/threads.h"

#include <QApplication>
#include <QCommandLineParser>
#include <QSettings>
#include <QTimer>

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <exception>
#include <memory>
#include <string>
#include <vector>

namespace {

/// @brief The studio's command line; --help and --version come from the same parser.
struct StudioOptions {
    QCommandLineOption data{QStringLiteral("data"), QStringLiteral("Data spec (default: the embedded held-out subset)."), QStringLiteral("spec")};
    QCommandLineOption limit{QStringLiteral("limit"), QStringLiteral("Use the first N held-out images (default: all)."), QStringLiteral("N")};
    QCommandLineOption shot{QStringLiteral("screenshot"),
                            QStringLiteral("Save a PNG of the window once the first preview and its held-out metrics are shown, print "
                                           "the model and data it showed, then quit."),
                            QStringLiteral("file")};
    QCommandLineOption after{QStringLiteral("screenshot-after"),
                             QStringLiteral("With --screenshot: first run these jobs and wait for them, comma-separated: sweep (the "
                                            "default sweep), grid (the latent x bits grid)."),
                             QStringLiteral("jobs")};
    QCommandLineOption noAutoSweep{QStringLiteral("no-auto-sweep"),
                                   QStringLiteral("Do not start the default sweep by itself when a model opens.")};
    QCommandLineOption bench{QStringLiteral("bench-interaction"),
                             QStringLiteral("Benchmark: slider change to painted preview (p50/p95 over --changes), and the longest "
                                            "event-loop stall during a sweep; prints the numbers and quits.")};
    QCommandLineOption changes{QStringLiteral("changes"), QStringLiteral("Slider changes for --bench-interaction (default 100)."), QStringLiteral("N"),
                               QStringLiteral("100")};
    QCommandLineOption out{QStringLiteral("out"), QStringLiteral("Write the --bench-interaction results as JSON to FILE."), QStringLiteral("file")};
    QCommandLineOption trust{QStringLiteral("trust-code"),
                             QStringLiteral("Run TorchScript files without asking (they are programs; for tests and scripts).")};

    void addTo(QCommandLineParser& cli) const {
        cli.setApplicationDescription(QStringLiteral("Explore neural-network compression interactively."));
        cli.addHelpOption();
        cli.addVersionOption();
        cli.addPositionalArgument(QStringLiteral("checkpoint"), QStringLiteral("Model to open (default: the embedded demo)."), QStringLiteral("[checkpoint]"));
        for (const auto* o : {&data, &limit, &shot, &after, &noAutoSweep, &bench, &changes, &out, &trust}) cli.addOption(*o);
    }
};

bool asksForHelpOrVersion(int argc, char** argv) {
    for (int i = 1; i < argc; ++i)
        for (const char* o : {"-h", "-?", "--help", "--help-all", "-v", "--version"})
            if (!std::strcmp(argv[i], o)) return true;
    return false;
}

// No QApplication: --help and --version work without a display (help2man runs them at
// build time). argv[0] without its folder keeps build paths out of the man page.
int printHelpOrVersion(int argc, char** argv) {
    std::string name = "pareto-studio";
    std::vector<char*> args(argv, argv + argc);
    args[0] = name.data();
    int n = argc;
    QCoreApplication app(n, args.data());
    QCoreApplication::setApplicationName(QStringLiteral("pareto-studio"));
    QCoreApplication::setApplicationVersion(QStringLiteral(PARETO_VERSION));
    QCommandLineParser cli;
    StudioOptions options;
    options.addTo(cli);
    cli.process(app);  // prints the help or the version and exits
    return 0;
}

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
    if (asksForHelpOrVersion(argc, argv)) return printHelpOrVersion(argc, argv);
    pareto::reexecWithSingleThreadedBlas(argv);
    StudioApplication app(argc, argv);
    // The name keys QSettings (recent files, export folder): keep it as it was.
    QApplication::setApplicationName(QStringLiteral("Pareto Studio"));
    QApplication::setApplicationVersion(QStringLiteral(PARETO_VERSION));
    QApplication::setOrganizationName(QStringLiteral("Pareto"));
    QGuiApplication::setDesktopFileName(QStringLiteral("org.paretostudio.ParetoStudio"));
    QApplication::setWindowIcon(pareto::ui::applicationIcon());
    pareto::configureComputeThreads();

    QCommandLineParser cli;
    StudioOptions o;
    o.addTo(cli);
    cli.process(app);
    pareto::ui::TrustStore::setTrustAll(cli.isSet(o.trust));

    auto owned = std::make_unique<pareto::ui::MainWindow>();
    pareto::ui::MainWindow& window = *owned;
    const QString checkpoint = cli.positionalArguments().value(0, QString::fromStdString(pareto::demoModelPath()));
    const QString spec = cli.value(o.data).isEmpty() ? QString::fromStdString(pareto::demoDataSpec()) : cli.value(o.data);
    bool limitOk = true;
    const qint64 n = cli.isSet(o.limit) ? cli.value(o.limit).toLongLong(&limitOk) : -1;
    if (!limitOk || (cli.isSet(o.limit) && n <= 0)) {
        std::fprintf(stderr, "pareto-studio: --limit must be a positive number\n");
        return 2;
    }
    QStringList after;
    for (const QString& job : cli.value(o.after).split(QLatin1Char(','), Qt::SkipEmptyParts)) {
        if (!pareto::ui::ScreenshotRunner::knownJobs().contains(job.trimmed())) {
            std::fprintf(stderr, "pareto-studio: --screenshot-after: unknown job '%s' (known: sweep, grid)\n", qPrintable(job));
            return 2;
        }
        after << job.trimmed();
    }
    if (cli.isSet(o.after) && !cli.isSet(o.shot)) {
        std::fprintf(stderr, "pareto-studio: --screenshot-after needs --screenshot FILE\n");
        return 2;
    }
    // The first launch tells the story by itself, but a benchmark measures an idle studio.
    window.autoSweep()->setEnabled(!cli.isSet(o.bench) && !cli.isSet(o.noAutoSweep));
    window.show();
    window.openModel(checkpoint, spec, n);

    if (cli.isSet(o.shot)) {
        auto* runner = new pareto::ui::ScreenshotRunner(&window, cli.value(o.shot), after, &window);
        QObject::connect(runner, &pareto::ui::ScreenshotRunner::finished, &window, [checkpoint, spec](int code, const QString& file) {
            if (code == 0) {
                // What was on screen, so a script can tell which demo an installed copy found.
                std::printf("screenshot %s\nmodel      %s\ndata       %s\n", qPrintable(file), qPrintable(checkpoint), qPrintable(spec));
                std::fflush(stdout);
            } else {
                std::fprintf(stderr, "pareto-studio: %s: could not write the screenshot\n", qPrintable(file));
            }
            QApplication::exit(code);
        });
        runner->start();
    }
    pareto::ui::InteractionBenchmark* benchmark = nullptr;
    if (cli.isSet(o.bench)) {
        benchmark = new pareto::ui::InteractionBenchmark(&window, std::max(1, cli.value(o.changes).toInt()), cli.value(o.out), &window);
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
