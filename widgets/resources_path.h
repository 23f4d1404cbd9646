#pragma once
// Where the bundled resources (demo data, pipeline templates) are: $DIFFBIO_RESOURCES, then the installed location
// beside the binary (../share/diffbio-studio), then the source tree the binary was built from.
#include <QString>

namespace diffbio::widgets {

QString resourcesDir();
QString demoCountsPath();

}  // namespace diffbio::widgets
