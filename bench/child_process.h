#pragma once
// Running a whole program as the benchmarks measure it: wall time from fork to exit, and from wait4's rusage the
// child's peak resident memory and CPU time (user + system; what other load on a shared machine inflates least).
#include <fcntl.h>
#include <malloc.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <string>
#include <vector>

namespace diffbio::bench {

struct ChildRun {
  int exitCode = -1;       // 128 + signal when it was killed
  double seconds = 0;
  long peakRssKb = 0;
  double cpuSeconds = 0;
};

// `command[0]` is the program's path. With a `log`, its standard output and error go there; without, standard
// output is discarded and errors still reach the terminal.
inline ChildRun runChild(const std::vector<std::string>& command, const std::filesystem::path& log = {}) {
  std::vector<char*> argv;
  for (const auto& arg : command) argv.push_back(const_cast<char*>(arg.c_str()));
  argv.push_back(nullptr);
  // A forked child starts with this process's resident size as its peak, and exec keeps that peak. Hand freed heap
  // back first (the benchmarks keep freed buffers for reuse, core/util/heap_reuse.h), so that ru_maxrss is the
  // child's own unless this process's live data are larger.
  malloc_trim(0);
  const auto start = std::chrono::steady_clock::now();
  const pid_t pid = fork();
  if (pid == 0) {
    const int fd = log.empty() ? ::open("/dev/null", O_WRONLY) : ::open(log.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    if (fd >= 0) {
      ::dup2(fd, STDOUT_FILENO);
      if (!log.empty()) ::dup2(fd, STDERR_FILENO);
    }
    ::execv(argv[0], argv.data());
    _exit(127);
  }
  int status = 0;
  rusage usage{};
  ::wait4(pid, &status, 0, &usage);
  ChildRun run;
  run.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  run.exitCode = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  run.peakRssKb = usage.ru_maxrss;  // kilobytes on Linux
  run.cpuSeconds = static_cast<double>(usage.ru_utime.tv_sec + usage.ru_stime.tv_sec) +
                   1e-6 * static_cast<double>(usage.ru_utime.tv_usec + usage.ru_stime.tv_usec);
  return run;
}

// The diffbio binary of the same build: build/app/diffbio beside build/bench/<this program>.
inline std::filesystem::path diffbioOfThisBuild() {
  std::error_code error;
  const std::filesystem::path self = std::filesystem::read_symlink("/proc/self/exe", error);
  if (error) return "diffbio";
  return self.parent_path().parent_path() / "app" / "diffbio";
}

}  // namespace diffbio::bench
