#include "widgets/palette/operator_palette.h"

#include <QHeaderView>
#include <QLineEdit>
#include <QMimeData>
#include <QPainter>
#include <QPixmap>
#include <QVBoxLayout>

#include "core/ops/registry.h"
#include "widgets/canvas/node_geometry.h"
#include "widgets/canvas/pipeline_view.h"

namespace diffbio::widgets {

namespace {
QIcon categoryIcon(const std::string& category) {
  QPixmap pixmap(14, 14);
  pixmap.fill(Qt::transparent);
  QPainter painter(&pixmap);
  painter.setRenderHint(QPainter::Antialiasing);
  painter.setBrush(node_geometry::categoryColour(category));
  painter.setPen(Qt::NoPen);
  painter.drawRoundedRect(QRectF(1, 1, 12, 12), 3, 3);
  return QIcon(pixmap);
}
}  // namespace

OperatorTree::OperatorTree(QWidget* parent) : QTreeWidget(parent) {
  setHeaderHidden(true);
  setDragEnabled(true);
  setDragDropMode(QAbstractItemView::DragOnly);
  setSelectionMode(QAbstractItemView::SingleSelection);
  setRootIsDecorated(true);
  setUniformRowHeights(true);
}

QStringList OperatorTree::mimeTypes() const { return {kOperatorMimeType}; }

QMimeData* OperatorTree::mimeData(const QList<QTreeWidgetItem*>& items) const {
  for (auto* item : items) {
    const QString id = item->data(0, kOperatorIdRole).toString();
    if (id.isEmpty()) continue;
    auto* mime = new QMimeData;
    mime->setData(kOperatorMimeType, id.toUtf8());
    return mime;
  }
  return nullptr;
}

OperatorPalette::OperatorPalette(const ops::Registry& registry, QWidget* parent)
    : QWidget(parent), search_(new QLineEdit(this)), tree_(new OperatorTree(this)) {
  search_->setPlaceholderText(tr("Search operators"));
  search_->setClearButtonEnabled(true);
  auto* layout = new QVBoxLayout(this);
  layout->setContentsMargins(4, 4, 4, 4);
  layout->addWidget(search_);
  layout->addWidget(tree_);

  for (const auto& category : registry.categories()) {
    auto* group = new QTreeWidgetItem(tree_, {QString::fromStdString(category)});
    group->setIcon(0, categoryIcon(category));
    group->setFlags(Qt::ItemIsEnabled);
    QFont bold = group->font(0);
    bold.setBold(true);
    group->setFont(0, bold);
    for (const auto* spec : registry.inCategory(category)) {
      auto* item = new QTreeWidgetItem(group, {QString::fromStdString(spec->displayName)});
      item->setData(0, kOperatorIdRole, QString::fromStdString(spec->id));
      item->setToolTip(0, QStringLiteral("<b>%1</b> <code>%2</code><br>%3")
                              .arg(QString::fromStdString(spec->displayName).toHtmlEscaped(),
                                   QString::fromStdString(spec->id).toHtmlEscaped(),
                                   QString::fromStdString(spec->help).toHtmlEscaped()));
      item->setFlags(Qt::ItemIsEnabled | Qt::ItemIsSelectable | Qt::ItemIsDragEnabled);
    }
  }
  tree_->expandAll();
  connect(search_, &QLineEdit::textChanged, this, &OperatorPalette::setFilter);
  connect(tree_, &QTreeWidget::itemDoubleClicked, this, [this](QTreeWidgetItem* item) {
    const QString id = item->data(0, kOperatorIdRole).toString();
    if (!id.isEmpty()) Q_EMIT operatorActivated(id);
  });
}

void OperatorPalette::setFilter(const QString& text) {
  if (search_->text() != text) search_->setText(text);
  const QString needle = text.trimmed();
  for (int g = 0; g < tree_->topLevelItemCount(); ++g) {
    auto* group = tree_->topLevelItem(g);
    const bool groupMatches = group->text(0).contains(needle, Qt::CaseInsensitive);
    int shown = 0;
    for (int i = 0; i < group->childCount(); ++i) {
      auto* item = group->child(i);
      const bool match = needle.isEmpty() || groupMatches || item->text(0).contains(needle, Qt::CaseInsensitive) ||
                         item->data(0, kOperatorIdRole).toString().contains(needle, Qt::CaseInsensitive) ||
                         item->toolTip(0).contains(needle, Qt::CaseInsensitive);
      item->setHidden(!match);
      shown += match;
    }
    group->setHidden(shown == 0);
  }
}

int OperatorPalette::visibleOperatorCount() const {
  int count = 0;
  for (int g = 0; g < tree_->topLevelItemCount(); ++g) {
    auto* group = tree_->topLevelItem(g);
    for (int i = 0; i < group->childCount(); ++i) count += !group->isHidden() && !group->child(i)->isHidden();
  }
  return count;
}

QTreeWidgetItem* OperatorPalette::findOperator(const QString& operatorId) const {
  for (int g = 0; g < tree_->topLevelItemCount(); ++g)
    for (int i = 0; i < tree_->topLevelItem(g)->childCount(); ++i)
      if (tree_->topLevelItem(g)->child(i)->data(0, kOperatorIdRole).toString() == operatorId)
        return tree_->topLevelItem(g)->child(i);
  return nullptr;
}

}  // namespace diffbio::widgets
