// The trainer on a small least-squares problem: the loss falls for every optimiser, seeds make runs identical, a
// checkpoint resumes exactly, cancel from another thread is prompt, and a NaN loss restores the last good state.
#include "test_support.h"

#include <torch/nn/modules/linear.h>
#include <torch/utils.h>

#include <ATen/CPUGeneratorImpl.h>

#include <ATen/ATen.h>

#include <chrono>
#include <cmath>
#include <thread>

#include "core/train/trainer.h"

using namespace diffbio;

namespace {

// y = X w + noise with 64 rows and 3 features; the closure fits a Linear(3, 1) on a random minibatch of 16 rows,
// drawn from the trainer's generator (so the seed matters and a resume must restore the generator).
struct Regression {
  at::Tensor x, y;
  Regression() {
    auto generator = at::make_generator<at::CPUGeneratorImpl>(123);
    x = at::randn({64, 3}, generator, at::kDouble);
    y = at::matmul(x, at::tensor({1.5, -2.0, 0.5}, at::kDouble).view({3, 1})) + 0.1 * at::randn({64, 1}, generator, at::kDouble);
  }
};

torch::nn::Linear makeModel(std::uint64_t initSeed) {
  torch::manual_seed(initSeed);
  torch::nn::Linear model(3, 1);
  model->to(at::kDouble);
  return model;
}

train::LossClosure minibatchLoss(torch::nn::Linear model, const Regression& data) {
  return [model, &data](const train::StepContext& context) mutable {
    const at::Tensor rows = at::randperm(64, context.generator, at::kLong).slice(0, 0, 16);
    train::StepOutput out;
    out.loss = at::mse_loss(model->forward(data.x.index_select(0, rows)), data.y.index_select(0, rows));
    return out;
  };
}

double fullLoss(torch::nn::Linear model, const Regression& data) {
  torch::NoGradGuard noGrad;
  return at::mse_loss(model->forward(data.x), data.y).item<double>();
}

at::Tensor flatParameters(const torch::nn::Module& module) {
  std::vector<at::Tensor> parts;
  for (const auto& p : module.parameters()) parts.push_back(p.detach().reshape(-1));
  return at::cat(parts).clone();
}

struct Recorder : train::TrainingListener {
  std::vector<train::TrainingEvent> events;
  std::function<void(const train::TrainingEvent&)> hook;
  void onStep(const train::TrainingEvent& event) override {
    events.push_back(event);
    if (hook) hook(event);
  }
};

}  // namespace

class TrainerTest : public QObject {
  Q_OBJECT

 private Q_SLOTS:
  void lossFallsForEveryOptimiser() {
    const Regression data;
    for (const char* name : {"adam", "adamw", "sgd", "lbfgs"}) {
      auto model = makeModel(1);
      train::TrainerOptions options;
      options.optimizer = name;
      options.learningRate = std::string(name) == "lbfgs" ? 0.5 : 0.05;
      options.schedule = "cosine";
      options.epochs = 40;
      options.clipGradientNorm = 10;
      const double before = fullLoss(model, data);
      train::Trainer trainer(model.ptr(), minibatchLoss(model, data), options);
      const auto result = trainer.run();
      const double after = fullLoss(model, data);
      qInfo("%s: full-data MSE %.4f -> %.4f", name, before, after);
      QVERIFY(result.status == train::TrainingStatus::Completed);
      QCOMPARE(result.steps, std::int64_t(40));
      QVERIFY(after < 0.2 * before);
    }
  }

  void schedules() {
    auto model = makeModel(1);
    train::TrainerOptions options;
    options.learningRate = 1.0;
    options.epochs = 10;
    options.schedule = "step";
    options.scheduleStepSize = 3;
    options.scheduleGamma = 0.5;
    const train::Trainer stepped(model.ptr(), {}, options);
    QCOMPARE(stepped.learningRateAt(2), 1.0);
    QCOMPARE(stepped.learningRateAt(3), 0.5);
    QCOMPARE(stepped.learningRateAt(9), 0.125);
    options.schedule = "cosine";
    const train::Trainer cosine(model.ptr(), {}, options);
    QCOMPARE(cosine.learningRateAt(0), 1.0);
    QVERIFY(std::abs(cosine.learningRateAt(5) - 0.5) < 1e-15);
    options.schedule = "linear";
    QVERIFY_THROWS_EXCEPTION(std::invalid_argument, train::Trainer(model.ptr(), {}, options));
  }

  void sameSeedSameRun() {
    const Regression data;
    auto runWith = [&](std::uint64_t seed) {
      auto model = makeModel(1);
      train::TrainerOptions options;
      options.learningRate = 0.05;
      options.epochs = 15;
      options.seed = seed;
      train::Trainer(model.ptr(), minibatchLoss(model, data), options).run();
      return flatParameters(*model);
    };
    QVERIFY(at::equal(runWith(7), runWith(7)));
    QVERIFY(!at::equal(runWith(7), runWith(8)));  // the minibatches come from the seed
  }

  void checkpointResumesExactly() {
    const Regression data;
    train::TrainerOptions options;
    options.learningRate = 0.05;
    options.epochs = 10;
    options.stepsPerEpoch = 2;
    options.schedule = "cosine";
    options.seed = 3;

    auto straight = makeModel(1);
    train::Trainer(straight.ptr(), minibatchLoss(straight, data), options).run();

    // Interrupted after 7 steps (cancel from the listener), checkpointed, resumed into a differently initialised
    // model: the end state must equal the uninterrupted run.
    const auto dir = test::scratchDir("train_checkpoint");
    const std::string path = (dir / "run.pt").string();
    {
      auto first = makeModel(1);
      CancelToken token;
      Recorder recorder;
      recorder.hook = [&](const train::TrainingEvent& e) {
        if (e.step == 7) token.cancel();
      };
      train::Trainer trainer(first.ptr(), minibatchLoss(first, data), options);
      trainer.setListener(&recorder);
      QVERIFY(trainer.run(&token).status == train::TrainingStatus::Cancelled);
      QCOMPARE(trainer.step(), std::int64_t(7));
      trainer.saveCheckpoint(path, R"({"pipeline": "demo"})");
    }
    QVERIFY(std::filesystem::exists(path));
    QCOMPARE(std::distance(std::filesystem::directory_iterator(dir), {}), std::ptrdiff_t(1));  // no temporary left
    auto resumed = makeModel(99);
    train::Trainer trainer(resumed.ptr(), minibatchLoss(resumed, data), options);
    QCOMPARE(trainer.loadCheckpoint(path), std::string(R"({"pipeline": "demo"})"));
    QCOMPARE(trainer.step(), std::int64_t(7));
    trainer.run();
    const at::Tensor a = flatParameters(*straight), b = flatParameters(*resumed);
    qInfo("max |uninterrupted - resumed| = %.3g", (a - b).abs().max().item<double>());
    QVERIFY(at::equal(a, b));

    // A checkpoint for another optimiser is refused with a message.
    options.optimizer = "sgd";
    train::Trainer other(resumed.ptr(), minibatchLoss(resumed, data), options);
    DIFFBIO_EXPECT_INPUT_ERROR(other.loadCheckpoint(path), "adam");
  }

  void cancelFromAnotherThreadIsPrompt() {
    // Each evaluation takes ~100 ms and polls the token every 2 ms, as a long forward pass should.
    auto model = makeModel(1);
    const Regression data;
    auto base = minibatchLoss(model, data);
    auto slow = [&](const train::StepContext& context) {
      for (int i = 0; i < 50; ++i) {
        context.cancel->throwIfCancelled();
        std::this_thread::sleep_for(std::chrono::milliseconds(2));
      }
      return base(context);
    };
    train::TrainerOptions options;
    options.epochs = 1000;
    train::Trainer trainer(model.ptr(), slow, options);
    CancelToken token;
    train::PauseGate gate;
    train::TrainingResult result;
    std::thread worker([&] { result = trainer.run(&token, &gate); });

    // Pause: no progress while paused.
    std::this_thread::sleep_for(std::chrono::milliseconds(250));
    gate.pause();
    std::this_thread::sleep_for(std::chrono::milliseconds(150));  // let the running step finish
    const std::int64_t pausedAt = trainer.step();
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
    QCOMPARE(trainer.step(), pausedAt);
    gate.resume();
    std::this_thread::sleep_for(std::chrono::milliseconds(230));

    const auto cancelled = std::chrono::steady_clock::now();
    token.cancel();
    worker.join();
    const double ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - cancelled).count();
    qInfo("stopped %.1f ms after cancel, at step %lld (paused at %lld)", ms, (long long)result.steps,
          (long long)pausedAt);
    QVERIFY(result.status == train::TrainingStatus::Cancelled);
    QVERIFY(result.steps > pausedAt);
    QVERIFY(ms < 200);
  }

  void nanLossRestoresTheLastGoodParameters() {
    auto model = makeModel(1);
    const Regression data;
    auto base = minibatchLoss(model, data);
    auto poisoned = [&](const train::StepContext& context) {
      train::StepOutput out = base(context);
      if (context.step == 5) out.loss = out.loss * std::nan("");
      return out;
    };
    train::TrainerOptions options;
    options.learningRate = 0.1;
    options.epochs = 20;
    train::Trainer trainer(model.ptr(), poisoned, options);
    Recorder recorder;
    at::Tensor startOfStep4;  // after 4 updates: step index 4 started here, and its loss was the last finite one
    recorder.hook = [&](const train::TrainingEvent& e) {
      if (e.step == 4) startOfStep4 = flatParameters(*model);
    };
    trainer.setListener(&recorder);
    const auto result = trainer.run();
    QVERIFY(result.status == train::TrainingStatus::Diverged);
    QVERIFY2(result.message.find("NaN") != std::string::npos, result.message.c_str());
    QCOMPARE(result.steps, std::int64_t(5));
    QVERIFY(at::equal(flatParameters(*model), startOfStep4));
    QVERIFY(at::isfinite(flatParameters(*model)).all().item<bool>());
  }

  void earlyStoppingRestoresTheBest() {
    auto model = makeModel(1);
    const Regression data;
    train::TrainerOptions options;
    options.learningRate = 0.05;
    options.epochs = 50;
    options.patience = 3;
    train::Trainer trainer(model.ptr(), minibatchLoss(model, data), options);
    // A validation loss that is best at epoch 4 (index 3) and worse afterwards.
    std::vector<at::Tensor> seen;
    trainer.setValidation([&](const train::StepContext& context) {
      seen.push_back(flatParameters(*model));
      return std::abs(double(context.epoch) - 3.0);
    });
    const auto result = trainer.run();
    QVERIFY(result.status == train::TrainingStatus::EarlyStopped);
    QCOMPARE(result.steps, std::int64_t(7));
    QCOMPARE(*result.bestValidationLoss, 0.0);
    QVERIFY(at::equal(flatParameters(*model), seen[3]));
  }
};

QTEST_GUILESS_MAIN(TrainerTest)
#include "test_trainer.moc"
