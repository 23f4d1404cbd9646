#include "widgets/resources_path.h"

#include <QCoreApplication>
#include <QDir>
#include <QFileInfo>

namespace diffbio::widgets {

QString resourcesDir() {
  const QString fromEnvironment = qEnvironmentVariable("DIFFBIO_RESOURCES");
  if (!fromEnvironment.isEmpty()) return fromEnvironment;
  const QString installed = QCoreApplication::applicationDirPath() + "/../share/diffbio-studio";
  if (QFileInfo::exists(installed + "/demo")) return QDir(installed).canonicalPath();
  return QStringLiteral(DIFFBIO_SOURCE_RESOURCES);
}

QString demoCountsPath() { return resourcesDir() + "/demo/pasilla_gene_counts.tsv.gz"; }

}  // namespace diffbio::widgets
