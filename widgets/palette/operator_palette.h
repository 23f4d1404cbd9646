#pragma once
// The operator palette: every registered operator (ops::Registry), grouped by category, filtered by a search box
// that matches names, ids and help text. Operators are dragged onto the canvas (MIME kOperatorMimeType carrying the
// operator id) or added with a double click.
#include <QTreeWidget>
#include <QWidget>

class QLineEdit;

namespace diffbio::ops {
class Registry;
}

namespace diffbio::widgets {

class OperatorTree : public QTreeWidget {
  Q_OBJECT

 public:
  explicit OperatorTree(QWidget* parent = nullptr);

 protected:
  QStringList mimeTypes() const override;
  QMimeData* mimeData(const QList<QTreeWidgetItem*>& items) const override;
};

class OperatorPalette : public QWidget {
  Q_OBJECT

 public:
  explicit OperatorPalette(const ops::Registry& registry, QWidget* parent = nullptr);

  void setFilter(const QString& text);
  QTreeWidget* tree() const { return tree_; }
  int visibleOperatorCount() const;
  QTreeWidgetItem* findOperator(const QString& operatorId) const;

 Q_SIGNALS:
  void operatorActivated(const QString& operatorId);

 private:
  QLineEdit* search_;
  OperatorTree* tree_;
};

inline constexpr int kOperatorIdRole = Qt::UserRole + 1;

}  // namespace diffbio::widgets
