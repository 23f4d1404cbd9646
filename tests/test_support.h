#pragma once
// Helpers shared by the test suites: where the data is, and small assertions on errors.
#include <QtTest/QtTest>
#include <zlib.h>

#include <filesystem>
#include <string>

#include "core/util/error.h"

namespace diffbio::test {

// ../shared/data beside the checkout: the public reference datasets.
inline std::string sharedData(const std::string& relative) {
  return std::string(DIFFBIO_SHARED_DATA) + "/" + relative;
}
// tests/data in the checkout: small crafted files (tests/data/bad holds the bad-input corpus).
inline std::string testData(const std::string& relative) { return std::string(DIFFBIO_TEST_DATA) + "/" + relative; }

// A whole file as text, gunzipped when it is gzip (gzread passes plain files through); empty when unreadable.
inline std::string readWholeFile(const std::string& path) {
  gzFile file = gzopen(path.c_str(), "rb");
  if (!file) return {};
  std::string text;
  char buffer[1 << 16];
  int n = 0;
  while ((n = gzread(file, buffer, sizeof buffer)) > 0) text.append(buffer, static_cast<std::size_t>(n));
  gzclose(file);
  return text;
}

// A whole file as bytes, as written (no gunzip), for checking exported figures and tables; empty when unreadable.
inline QByteArray readFileBytes(const std::filesystem::path& path) {
  QFile file(QString::fromStdString(path.string()));
  return file.open(QIODevice::ReadOnly) ? file.readAll() : QByteArray();
}

// A fresh empty folder under the build tree for outputs of one test.
inline std::filesystem::path scratchDir(const std::string& name) {
  auto dir = std::filesystem::path(DIFFBIO_BUILD_DIR) / "test-scratch" / name;
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
  return dir;
}

}  // namespace diffbio::test

// Runs `statement`, expects an InputError whose message contains `needle`, and returns the message.
#define DIFFBIO_EXPECT_INPUT_ERROR(statement, needle)                                                   \
  do {                                                                                                  \
    bool thrown_ = false;                                                                               \
    try {                                                                                               \
      statement;                                                                                        \
    } catch (const diffbio::InputError& e_) {                                                           \
      thrown_ = true;                                                                                   \
      const std::string message_ = e_.what();                                                           \
      if (message_.find(needle) == std::string::npos)                                                   \
        QFAIL(qPrintable(QString("error message lacks '%1': %2").arg(needle).arg(message_.c_str())));   \
    }                                                                                                   \
    if (!thrown_) QFAIL("expected an InputError from: " #statement);                                   \
  } while (0)
