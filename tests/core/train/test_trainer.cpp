// The trainer on a small least-squares problem: the loss falls for every optimiser, seeds make runs identical, a
// checkpoint resumes exactly, pause holds between steps, a cancel computes at most the mini-batch in flight and rolls
// it back, a NaN loss restores the last good state, and early stopping stops at the right epoch and restores the best.
#include "test_support.h"

#include <torch/nn/modules/linear.h>
#include <torch/utils.h>

#include <ATen/CPUGeneratorImpl.h>

#include <ATen/ATen.h>

#include <atomic>
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

  void pauseHoldsBetweenSteps() {
    // Paused from the listener after step 3: the trainer must block before step 4 whatever the timing, so however
    // long the test waits, exactly 3 evaluations have run; after resume it continues; cancel while paused works.
    auto model = makeModel(1);
    const Regression data;
    auto base = minibatchLoss(model, data);
    std::atomic<int> evaluations{0};
    auto counted = [&](const train::StepContext& context) {
      ++evaluations;
      return base(context);
    };
    train::TrainerOptions options;
    options.epochs = 1000000;
    train::Trainer trainer(model.ptr(), counted, options);
    CancelToken token;
    train::PauseGate gate;
    Recorder recorder;
    recorder.hook = [&](const train::TrainingEvent& e) {
      if (e.step == 3) gate.pause();
    };
    trainer.setListener(&recorder);
    train::TrainingResult result;
    std::thread worker([&] { result = trainer.run(&token, &gate); });
    while (!gate.paused() || trainer.step() < 3) std::this_thread::yield();
    std::this_thread::sleep_for(std::chrono::milliseconds(100));  // time to go wrong, if it could
    QCOMPARE(trainer.step(), std::int64_t(3));
    QCOMPARE(evaluations.load(), 3);
    gate.resume();
    while (trainer.step() < 6) std::this_thread::yield();
    gate.pause();
    token.cancel();  // while paused (or between steps): the gate polls the token
    worker.join();
    QVERIFY(result.status == train::TrainingStatus::Cancelled);
    QVERIFY(result.steps >= 6);
    QVERIFY(evaluations.load() - result.steps <= 1);  // only a step in flight at the Stop can be rolled back
  }

  void cancelInsideAMinibatchRollsItBack() {
    // Four mini-batches per epoch; a Stop arrives while the 6th mini-batch is computed (the closure raises the token
    // itself, so the moment is exact). The trainer must not start a 7th, must roll the 6th step back (parameters and
    // generator), and report 5 steps done; a resume from there equals an uninterrupted run.
    const Regression data;
    train::TrainerOptions options;
    options.learningRate = 0.05;
    options.epochs = 3;
    options.stepsPerEpoch = 4;
    options.seed = 11;
    auto model = makeModel(1);
    auto base = minibatchLoss(model, data);
    int evaluations = 0;
    CancelToken token;
    at::Tensor afterStep5;
    auto stopping = [&](const train::StepContext& context) {
      ++evaluations;
      train::StepOutput out = base(context);  // draws this batch's rows from the generator
      if (evaluations == 6) token.cancel();
      return out;
    };
    train::Trainer trainer(model.ptr(), stopping, options);
    Recorder recorder;
    recorder.hook = [&](const train::TrainingEvent& e) {
      if (e.step == 5) afterStep5 = flatParameters(*model);
    };
    trainer.setListener(&recorder);
    const auto result = trainer.run(&token);
    QVERIFY(result.status == train::TrainingStatus::Cancelled);
    QCOMPARE(evaluations, 6);  // at most the mini-batch in flight, never another
    QCOMPARE(result.steps, std::int64_t(5));
    QVERIFY(at::equal(flatParameters(*model), afterStep5));

    const auto dir = test::scratchDir("train_cancel_minibatch");
    const std::string path = (dir / "run.pt").string();
    trainer.saveCheckpoint(path);
    auto resumedModel = makeModel(5);
    train::Trainer resumed(resumedModel.ptr(), minibatchLoss(resumedModel, data), options);
    resumed.loadCheckpoint(path);
    resumed.run();
    auto straight = makeModel(1);
    train::Trainer(straight.ptr(), minibatchLoss(straight, data), options).run();
    QVERIFY(at::equal(flatParameters(*resumedModel), flatParameters(*straight)));
  }

  void cancelFromAnotherThreadComputesAtMostOneMoreMinibatch() {
    // A Stop from another thread at an arbitrary moment: count the mini-batch evaluations that start after cancel()
    // returned. The trainer checks the token before each step, between forward and backward and after backward, and
    // the closure polls it inside (as long evaluations must), so that count is 0, or 1 when the Stop lands between
    // the trainer's check and the closure's start. For every optimiser (LBFGS evaluates several times per step).
    const Regression data;
    for (const char* name : {"adam", "lbfgs"}) {
      for (int repeat = 0; repeat < 5; ++repeat) {
        auto model = makeModel(1);
        auto base = minibatchLoss(model, data);
        std::atomic<bool> requested{false};
        std::atomic<int> evaluations{0}, startedAfter{0};
        auto slow = [&](const train::StepContext& context) {
          if (requested.load()) ++startedAfter;
          ++evaluations;
          for (int part = 0; part < 4; ++part) {  // a long evaluation in parts, polling between them
            context.cancel->throwIfCancelled();
            std::this_thread::sleep_for(std::chrono::microseconds(300));
          }
          return base(context);
        };
        train::TrainerOptions options;
        options.optimizer = name;
        options.learningRate = std::string(name) == "lbfgs" ? 0.5 : 0.05;
        options.epochs = 1000000;
        options.stepsPerEpoch = 4;
        train::Trainer trainer(model.ptr(), slow, options);
        CancelToken token;
        train::TrainingResult result;
        std::thread worker([&] { result = trainer.run(&token); });
        while (evaluations.load() < 3 + repeat) std::this_thread::yield();
        token.cancel();
        requested = true;
        worker.join();
        QVERIFY(result.status == train::TrainingStatus::Cancelled);
        QVERIFY2(startedAfter.load() <= 1, qPrintable(QString("%1 evaluations after cancel").arg(startedAfter.load())));
      }
    }
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

  void earlyStoppingOnARisingValidationLoss() {
    // w starts at 0; the training loss (w - 10)^2 with plain gradient descent (lr 0.05) gives w_k = 10 (1 - 0.9^k):
    // 1, 1.9, 2.71, 3.439, 4.0951, ... The validation loss (w - 3)^2 after each epoch is 4, 1.21, 0.0841, 0.1927,
    // 1.2117, ...: it falls until epoch 3 and rises after. With patience 2 the run stops after epoch 5 (5 steps) and
    // restores w_3; without restore_best it keeps w_5; with min_delta 1.15 epoch 3's gain (1.1259) does not count,
    // so the best is epoch 2 and the run stops after epoch 4.
    struct Scalar : torch::nn::Module {
      at::Tensor w = register_parameter("w", at::zeros({1}, at::kDouble));
    };
    struct Case {
      bool restoreBest;
      double minDelta;
      std::int64_t steps, bestEpoch;
      double finalW;
    };
    const double w2 = 1.9, w3 = 2.71, w5 = 4.0951;
    for (const Case& c : {Case{true, 0.0, 5, 2, w3}, Case{false, 0.0, 5, 2, w5}, Case{true, 1.15, 4, 1, w2}}) {
      auto module = std::make_shared<Scalar>();
      train::TrainerOptions options;
      options.optimizer = "sgd";
      options.momentum = 0;
      options.learningRate = 0.05;
      options.epochs = 100;
      options.patience = 2;
      options.minImprovement = c.minDelta;
      options.restoreBest = c.restoreBest;
      train::Trainer trainer(module, [&](const train::StepContext&) {
        train::StepOutput out;
        out.loss = (module->w - 10).pow(2).sum();
        return out;
      }, options);
      trainer.setValidationMetrics([&](const train::StepContext&) {
        const double w = module->w.item<double>();
        return std::map<std::string, double>{{"loss", (w - 3) * (w - 3)}, {"w", w}};
      });
      Recorder recorder;
      trainer.setListener(&recorder);
      const auto result = trainer.run();
      QVERIFY(result.status == train::TrainingStatus::EarlyStopped);
      QCOMPARE(result.steps, c.steps);
      QCOMPARE(result.bestEpoch, c.bestEpoch);
      QCOMPARE(result.restoredBest, c.restoreBest);
      qInfo("%s; w = %.6f", result.message.c_str(), module->w.item<double>());
      QVERIFY(std::abs(module->w.item<double>() - c.finalW) < 1e-12);
      // Every epoch's event carries the validation loss and metrics; the restored value is exactly the one seen.
      QCOMPARE(recorder.events.size(), std::size_t(c.steps));
      for (const auto& e : recorder.events) QVERIFY(e.validationLoss && e.validationMetrics.count("w"));
      if (c.restoreBest)
        QCOMPARE(module->w.item<double>(), recorder.events[std::size_t(c.bestEpoch)].validationMetrics.at("w"));
    }
  }

  void resumingAnEarlyStoppedRunEqualsIt() {
    // A checkpoint after early stopping with restore_best holds the best and the last parameters: a resume with a
    // larger budget trains no further and ends with the same (best) parameters.
    struct Scalar : torch::nn::Module {
      at::Tensor w = register_parameter("w", at::zeros({1}, at::kDouble));
    };
    auto module = std::make_shared<Scalar>();
    train::TrainerOptions options;
    options.optimizer = "sgd";
    options.momentum = 0;
    options.learningRate = 0.05;
    options.epochs = 100;
    options.patience = 2;
    auto loss = [&](const train::StepContext&) {
      train::StepOutput out;
      out.loss = (module->w - 10).pow(2).sum();
      return out;
    };
    auto validation = [&](const train::StepContext&) {
      const double w = module->w.item<double>();
      return (w - 3) * (w - 3);
    };
    train::Trainer trainer(module, loss, options);
    trainer.setValidation(validation);
    trainer.run();
    const double best = module->w.item<double>();
    const std::string path = (test::scratchDir("train_early_resume") / "stopped.pt").string();
    trainer.saveCheckpoint(path);
    module->w.data().fill_(-7.0);
    train::Trainer again(module, loss, options);
    again.setValidation(validation);
    again.loadCheckpoint(path);
    const auto result = again.run();
    QVERIFY(result.status == train::TrainingStatus::EarlyStopped);
    QCOMPARE(result.steps, std::int64_t(5));
    QCOMPARE(module->w.item<double>(), best);
  }
};

QTEST_GUILESS_MAIN(TrainerTest)
#include "test_trainer.moc"
