// docs/operators.md is generated from the operator registry (`diffbio ops --markdown`); this fails when an operator
// changed and the file was not regenerated, so the documentation cannot drift from the code.
#include "test_support.h"
#include "cli_runner.h"

#include <QFile>

class OperatorDocsTest : public QObject {
  Q_OBJECT

 private Q_SLOTS:
  void committedDocsMatchTheRegistry() {
    const auto dir = diffbio::test::scratchDir("operator_docs");
    const QString generated = QString::fromStdString((dir / "operators.md").string());
    const auto run = diffbio::test::runDiffbio({"ops", "--markdown", generated});
    QCOMPARE(run.exitCode, 0);
    QFile fresh(generated), committed(QString(DIFFBIO_TEST_DATA) + "/../../docs/operators.md");
    QVERIFY(fresh.open(QIODevice::ReadOnly) && committed.open(QIODevice::ReadOnly));
    QVERIFY2(fresh.readAll() == committed.readAll(),
             "docs/operators.md is out of date: run `build/app/diffbio ops --markdown` and commit it");
  }
};

QTEST_GUILESS_MAIN(OperatorDocsTest)
#include "test_operator_docs.moc"
