#pragma once
// Painting text needs a QGuiApplication (fonts). The headless tool (`diffbio plot`, plot nodes under `diffbio run`)
// creates one on demand, offscreen when no platform is chosen, so figures are drawn on servers without a display.
namespace diffbio::plots {

// Creates a process-lifetime QGuiApplication when none exists (call on the main thread); does nothing inside the
// desktop application. Throws std::logic_error when a plain QCoreApplication is running (no fonts available).
void ensureGuiApplication();

}  // namespace diffbio::plots
