// `pareto-studio`: opens the embedded demo (or a given checkpoint) in the studio window.
#include "mainwindow.h"

#include "common/resourcepaths.h"
#include "common/threads.h"

#include <QApplication>
#include <QCommandLineParser>
#include <QTimer>

int main(int argc, char** argv) {
    pareto::reexecWithSingleThreadedBlas(argv);
    QApplication app(argc, argv);
    QApplication::setApplicationName(QStringLiteral("Pareto Studio"));
    QApplication::setOrganizationName(QStringLiteral("Pareto"));
    pareto::configureComputeThreads();

    QCommandLineParser cli;
    cli.setApplicationDescription(QStringLiteral("Explore neural-network compression interactively."));
    cli.addHelpOption();
    cli.addPositionalArgument(QStringLiteral("checkpoint"), QStringLiteral("Model to open (default: the embedded demo)."));
    QCommandLineOption data(QStringLiteral("data"), QStringLiteral("Data spec (default: the embedded held-out subset)."), QStringLiteral("spec"));
    QCommandLineOption shot(QStringLiteral("screenshot"), QStringLiteral("Save a PNG of the window once the model is measured, then quit."), QStringLiteral("file"));
    cli.addOption(data);
    cli.addOption(shot);
    cli.process(app);

    pareto::ui::MainWindow window;
    const QString checkpoint = cli.positionalArguments().value(0, QString::fromStdString(pareto::demoModelPath()));
    const QString spec = cli.value(data).isEmpty() ? QString::fromStdString(pareto::demoDataSpec()) : cli.value(data);
    window.show();
    window.openModel(checkpoint, spec);

    if (cli.isSet(shot)) {
        const QString file = cli.value(shot);
        QObject::connect(&window, &pareto::ui::MainWindow::modelSettled, &window, [&window, file] {
            // Let the new text lay out and paint before grabbing.
            QTimer::singleShot(0, &window, [&window, file] {
                window.grab().save(file);
                QApplication::quit();
            });
        });
    }
    return QApplication::exec();
}
