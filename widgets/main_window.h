#pragma once
// The application window. Until the pipeline canvas lands it opens data files (menu, recent files or drag and drop)
// and shows what DiffBio reads in them; reading always happens on a worker thread.
#include <QFutureWatcher>
#include <QMainWindow>
#include <QStringList>

class QLabel;
class QPlainTextEdit;
class QProgressBar;

namespace diffbio::widgets {

struct DataDescription {
  QStringList paths;
  QString text;   // the description, or the error message
  bool ok = false;
};

class MainWindow : public QMainWindow {
  Q_OBJECT

 public:
  explicit MainWindow(QWidget* parent = nullptr);
  ~MainWindow() override;

  // Reads and describes the data on a worker thread; `finished` is emitted when the view shows the result.
  void openData(const QStringList& paths);
  bool isBusy() const;
  QString descriptionText() const;

 Q_SIGNALS:
  void finished(bool ok);

 protected:
  void dragEnterEvent(QDragEnterEvent* event) override;
  void dropEvent(QDropEvent* event) override;
  void closeEvent(QCloseEvent* event) override;

 private:
  void buildMenus();
  void showDescription();
  void rememberRecent(const QStringList& paths);
  void rebuildRecentMenu();

  QPlainTextEdit* view_ = nullptr;
  QLabel* statusLabel_ = nullptr;
  QProgressBar* busyBar_ = nullptr;
  QMenu* recentMenu_ = nullptr;
  QFutureWatcher<DataDescription> watcher_;
};

}  // namespace diffbio::widgets
