// SPDX-License-Identifier: Apache-2.0
#pragma once
// Helpers for the Qt Tests: run the real PyTorch (fixtures), find test data, run the CLI.

#include <QString>
#include <QStringList>

namespace pareto::test {

/// /usr/bin/python3 with python3-torch (PARETO_PYTHON), never a PATH python without torch.
QString python();

/// Absolute path of tests/fixtures/<name>.
QString fixtureScript(const QString& name);

/// Absolute path of tests/data/<rel>.
QString testData(const QString& rel);

/// Absolute path of resources/<rel>.
QString resource(const QString& rel);

/// The `pareto` CLI executable.
QString cliPath();

/// The TorchScript models of other architectures that the fixture test
/// `fixture_torchscript_zoo` made with real PyTorch (tests/fixtures/model_torchscript_zoo.py):
/// NAME.ts, NAME.json, NAME.ref.json. Tests that use it declare FIXTURES torchscript_zoo.
QString torchScriptZoo();

/// SAGE's VisionPuzzleVAE that the fixture test `fixture_visionpuzzlevae` trained with real
/// PyTorch (tests/fixtures/model_visionpuzzlevae.py): vpvae.pt, vpvae.json, vpvae.ref.json,
/// vpvae.input.bin, vpvae.codes.bin. Tests that use it declare FIXTURES visionpuzzlevae.
QString visionPuzzleVaeFixture();

/// The ONNX autoencoders that the fixture test `fixture_onnx_models` exported with real PyTorch
/// (tests/fixtures/onnx_make_models.py): NAME.onnx or NAME.encoder.onnx + NAME.decoder.onnx,
/// NAME.json, NAME.ref.json, NAME.images.f32. Tests that use it declare FIXTURES onnx_models.
QString onnxModels();

/// Folder for screenshots and other artifacts a person may look at.
QString artifactsDir();

struct ProcessResult {
    int exitCode = -1;
    bool crashed = false;
    QString out;
    QString err;
};

/// Runs a program to completion (no timeout games: CTest's TIMEOUT guards a hang).
ProcessResult runProcess(const QString& program, const QStringList& args);

/// Runs tests/fixtures/<script> with the real PyTorch; QFAIL-style message in `error` on failure.
ProcessResult runPythonFixture(const QString& script, const QStringList& args);

/// Runs the pareto CLI.
ProcessResult runCli(const QStringList& args);

}  // namespace pareto::test
