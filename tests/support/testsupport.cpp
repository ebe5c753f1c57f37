// SPDX-License-Identifier: Apache-2.0
#include "testsupport.h"

#include <QDir>
#include <QProcess>
#include <QProcessEnvironment>

namespace pareto::test {
namespace {

QString envOr(const char* name, const QString& fallback) {
    const QString v = qEnvironmentVariable(name);
    return v.isEmpty() ? fallback : v;
}

}  // namespace

QString python() { return envOr("PARETO_PYTHON", QStringLiteral("/usr/bin/python3")); }

QString fixtureScript(const QString& name) {
    return QDir(envOr("PARETO_FIXTURES_DIR", QStringLiteral("tests/fixtures"))).absoluteFilePath(name);
}

QString testData(const QString& rel) {
    return QDir(envOr("PARETO_TEST_DATA", QStringLiteral("tests/data"))).absoluteFilePath(rel);
}

QString resource(const QString& rel) {
    return QDir(envOr("PARETO_RESOURCE_DIR", QStringLiteral("resources"))).absoluteFilePath(rel);
}

QString cliPath() { return envOr("PARETO_CLI", QStringLiteral("pareto")); }

QString torchScriptZoo() { return envOr("PARETO_TORCHSCRIPT_ZOO", QDir::temp().absoluteFilePath("pareto-torchscript-zoo")); }

QString onnxModels() { return envOr("PARETO_ONNX_MODELS", QDir::temp().absoluteFilePath("pareto-onnx-models")); }

QString visionPuzzleVaeFixture() { return envOr("PARETO_VPVAE_FIXTURE", QDir::temp().absoluteFilePath("pareto-visionpuzzlevae")); }

QString artifactsDir() {
    const QString d = envOr("PARETO_ARTIFACTS_DIR", QDir::temp().absoluteFilePath("pareto-test-artifacts"));
    QDir().mkpath(d);
    return d;
}

ProcessResult runProcess(const QString& program, const QStringList& args) {
    QProcess p;
    p.start(program, args);
    ProcessResult r;
    if (!p.waitForStarted(-1)) {
        r.err = QStringLiteral("could not start %1").arg(program);
        return r;
    }
    p.closeWriteChannel();
    p.waitForFinished(-1);
    r.crashed = p.exitStatus() == QProcess::CrashExit;
    r.exitCode = p.exitCode();
    r.out = QString::fromUtf8(p.readAllStandardOutput());
    r.err = QString::fromUtf8(p.readAllStandardError());
    return r;
}

ProcessResult runPythonFixture(const QString& script, const QStringList& args) {
    return runProcess(python(), QStringList{fixtureScript(script)} + args);
}

ProcessResult runCli(const QStringList& args) { return runProcess(cliPath(), args); }

}  // namespace pareto::test
