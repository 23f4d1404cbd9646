#include "widgets/results/plots_panel.h"

#include <QComboBox>
#include <QHBoxLayout>
#include <QLabel>
#include <QStackedWidget>
#include <QVBoxLayout>
#include <QtConcurrent/QtConcurrentRun>

#include <exception>

#include "plots/de_plots.h"
#include "plots/plot_view.h"

namespace diffbio::widgets {

PlotsPanel::PlotsPanel(QWidget* parent)
    : QWidget(parent), choice_(new QComboBox(this)), status_(new QLabel(this)), stack_(new QStackedWidget(this)),
      view_(new plots::PlotView(this)) {
  auto* layout = new QVBoxLayout(this);
  layout->setContentsMargins(4, 4, 4, 4);
  auto* tools = new QHBoxLayout;
  choice_->addItems({tr("Volcano"), tr("MA"), tr("p-value histogram"), tr("Q-Q")});
  tools->addWidget(new QLabel(tr("Plot:"), this));
  tools->addWidget(choice_);
  tools->addWidget(status_, 1);
  layout->addLayout(tools);
  auto* placeholder = new QLabel(tr("Plots appear here once a differential expression result is ready."), this);
  placeholder->setAlignment(Qt::AlignCenter);
  placeholder->setStyleSheet("color: #888; background: white;");
  stack_->addWidget(placeholder);
  view_->setMinimumSize(240, 180);  // the dock decides the size; the tables beside it need the room
  stack_->addWidget(view_);
  layout->addWidget(stack_, 1);
  connect(choice_, &QComboBox::currentIndexChanged, this, &PlotsPanel::selectPlot);
  connect(&watcher_, &QFutureWatcher<Built>::finished, this, [this] {
    Built built = watcher_.result();
    if (!built.error.isEmpty()) {
      status_->setText(built.error);
      return;
    }
    models_ = std::move(built.models);
    status_->clear();
    selectPlot(choice_->currentIndex());
    Q_EMIT plotsReady();
  });
}

PlotsPanel::~PlotsPanel() { watcher_.waitForFinished(); }

void PlotsPanel::showResults(const data::Table& table, std::shared_ptr<const void> keepAlive, const QString& source) {
  status_->setText(tr("Drawing %1 ...").arg(source));
  const std::string name = source.toStdString();
  watcher_.setFuture(QtConcurrent::run([&table, keepAlive, name] {
    Built built;
    try {
      const plots::DeResults results = plots::deResultsFromTable(table, name);
      plots::DePlotOptions options;
      options.alpha = 0.1;  // DESeq2's results() default, as the pipeline's results node
      built.models.push_back(plots::volcanoPlot(results, options));
      built.models.push_back(plots::maPlot(results, options));
      built.models.push_back(plots::pvalueHistogram(results, options));
      built.models.push_back(plots::qqPlot(results.pvalue, options));
    } catch (const std::exception& error) {
      built.error = QString::fromUtf8(error.what());
    }
    return built;
  }));
}

bool PlotsPanel::hasPlots() const { return !models_.empty(); }

void PlotsPanel::selectPlot(int index) {
  if (index < 0 || index >= static_cast<int>(models_.size())) return;
  if (choice_->currentIndex() != index) choice_->setCurrentIndex(index);
  view_->setModel(models_[index]);
  stack_->setCurrentWidget(view_);
}

}  // namespace diffbio::widgets
