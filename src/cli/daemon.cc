// `scarlet-dispatch daemon`: wires the service, the socket, signals, the
// kernel-table watchdog and systemd notification together. Never forks or
// daemonizes: systemd (or the sandbox) supervises it.
#include <spdlog/pattern_formatter.h>
#include <spdlog/sinks/stdout_sinks.h>
#include <spdlog/spdlog.h>
#include <pthread.h>
#include <signal.h>
#include <sys/stat.h>
#include <systemd/sd-daemon.h>
#include <unistd.h>

#include <algorithm>
#include <boost/asio.hpp>
#include <climits>
#include <filesystem>
#include <thread>

#include "commands.h"
#include "own_files.h"
#include "daemon/server.h"
#include "daemon/service.h"
#include "scarlet/build_config.h"
#include "scarlet/run_dir.h"

namespace scarlet::cli {
namespace {

// "<3>" and friends: the priority prefix the journal reads on stderr.
class JournalPriority : public spdlog::custom_flag_formatter {
 public:
  void format(const spdlog::details::log_msg& msg, const std::tm&, spdlog::memory_buf_t& dest) override {
    static constexpr const char* kPriority[] = {"<7>", "<7>", "<6>", "<4>", "<3>", "<2>", "<6>"};
    std::string_view p = kPriority[msg.level];
    dest.append(p.data(), p.data() + p.size());
  }
  std::unique_ptr<custom_flag_formatter> clone() const override { return std::make_unique<JournalPriority>(); }
};

std::shared_ptr<spdlog::logger> make_logger(const std::string& level) {
  auto log = std::make_shared<spdlog::logger>("scarlet-dispatch", std::make_shared<spdlog::sinks::stderr_sink_mt>());
  auto formatter = std::make_unique<spdlog::pattern_formatter>();
  // Under systemd, stderr goes to the journal, which stamps time itself.
  if (std::getenv("JOURNAL_STREAM")) formatter->add_flag<JournalPriority>('*').set_pattern("%*%v");
  else formatter->set_pattern("%Y-%m-%d %H:%M:%S.%e %l: %v");
  log->set_formatter(std::move(formatter));
  log->set_level(spdlog::level::from_str(level));
  log->flush_on(spdlog::level::trace);
  return log;
}

}  // namespace

int run_daemon(const Options& global, const DaemonOptions& o) {
  // Until the handlers below exist, a SIGTERM must wait, not kill us halfway
  // through registering entries.
  sigset_t handled;
  sigemptyset(&handled);
  for (int sig : {SIGTERM, SIGINT, SIGHUP}) sigaddset(&handled, sig);
  ::pthread_sigmask(SIG_BLOCK, &handled, nullptr);

  auto log = make_logger(o.log_level);
  daemon::ServiceOptions so;
  so.registry = std::filesystem::absolute(global.registry).lexically_normal();
  so.run_dir = global.run_dir;
  so.shim = o.shim.empty() ? default_shim() : o.shim;
  so.binfmt_dir = o.no_binfmt ? "" : o.binfmt_dir;
  so.remove_entries = o.remove_entries;
  so.cache_entries = o.cache_entries;
  if (o.no_scopes) so.scopes = std::make_shared<daemon::NoScopes>("the daemon runs with --no-scopes");
  auto notify = [](const std::string& state) { sd_notify(0, state.c_str()); };

  if (::mkdir(global.run_dir.c_str(), 0755) != 0 && errno != EEXIST) {
    log->error("cannot create {}: {}", global.run_dir, std::strerror(errno));
    return 1;
  }
  // systemd socket activation hands us the socket unit's listeners: the
  // socket file and the abstract name (any other Unix stream socket the unit
  // passes is served too).
  std::vector<UniqueFd> listeners;
  const int passed = sd_listen_fds(1);
  const std::string abstract = abstract_socket_name(global.run_dir);
  bool passed_abstract = false;
  for (int fd = SD_LISTEN_FDS_START; fd < SD_LISTEN_FDS_START + std::max(passed, 0); ++fd) {
    if (sd_is_socket_unix(fd, SOCK_STREAM, 1, nullptr, 0) <= 0) {
      ::close(fd);
      continue;
    }
    listeners.emplace_back(fd);
    const std::string address = std::string(1, '\0') + abstract;  // an abstract sun_path starts with NUL
    passed_abstract = passed_abstract || sd_is_socket_unix(fd, SOCK_STREAM, 1, address.data(), address.size()) > 0;
  }
  const bool activated = !listeners.empty();
  // Shims in chroots believe the default abstract name only from the
  // process that holds it from boot (run_dir.h); a daemon binding it itself
  // after activation would leave it to whoever comes first.
  if (activated && !passed_abstract) {
    log->error("the socket unit does not hold @{} (ListenStream=@{}): chroots could be answered by whoever binds it, so "
               "the daemon does not start",
               abstract, abstract);
    return 1;
  }
  if (!activated) {
    // Bound under a temporary name and renamed into place once we serve:
    // whoever sees the socket finds a daemon ready to answer.
    auto l = daemon::listen_unix(socket_path(global.run_dir) + ".starting");
    if (!l.ok()) {
      log->error("{}", l.status().message());
      return 1;
    }
    listeners.push_back(std::move(l).value());
  }

  daemon::Service service(so, log, notify);
  if (Status s = service.start(); !s.ok()) {
    log->error("cannot start: {}", s.message());
    if (!activated) ::unlink((socket_path(global.run_dir) + ".starting").c_str());
    return 1;
  }
  log->info("serving on {}{} with {} threads; shim {}", socket_path(global.run_dir), activated ? " (socket activation)" : "",
            o.threads, so.shim);

  // Without socket activation: reachable from chroots that cannot see the
  // run directory, bound here as the service is ready (a client that
  // connects from now on is served). For the default run directory chroots
  // do not believe it (no socket unit holds the name: run_dir.h) and decide
  // alone.
  if (!activated) {
    if (auto a = daemon::listen_abstract(abstract); a.ok())
      listeners.push_back(std::move(a).value());
    else
      log->warn("no abstract socket, so chroots cannot reach the daemon: {}", a.status().message());
    if (global.run_dir == kDefaultRunDir)
      log->warn("not started by the socket unit: shims in chroots do not believe @{}, which only pid 1 may hold, and "
                "decide alone",
                abstract);
  }

  boost::asio::io_context io;
  daemon::ServerOptions server_options{o.max_connections, o.max_per_user, std::chrono::milliseconds(o.deadline_ms)};
  daemon::Server server(io, std::move(listeners), server_options,
                        [&](const daemon::Peer& peer, const wire::Message& m, UniqueFd fd) {
                          return service.handle(peer, m, std::move(fd));
                        },
                        service.counters());
  server.start();

  // Someone else may flush or remove our entries: look every second.
  boost::asio::steady_timer watchdog(io);
  std::function<void()> watch = [&] {
    watchdog.expires_after(std::chrono::seconds(1));
    watchdog.async_wait([&](const boost::system::error_code& ec) {
      if (ec) return;
      service.check_entries();
      watch();
    });
  };
  watch();

  boost::asio::signal_set signals(io, SIGTERM, SIGINT, SIGHUP);
  ::pthread_sigmask(SIG_UNBLOCK, &handled, nullptr);
  if (!activated && ::rename((socket_path(global.run_dir) + ".starting").c_str(), socket_path(global.run_dir).c_str()) != 0) {
    log->error("cannot put the socket in place: {}", std::strerror(errno));
    service.stop();
    return 1;
  }
  std::function<void()> on_signal = [&] {
    signals.async_wait([&](const boost::system::error_code& ec, int sig) {
      if (ec) return;
      if (sig == SIGHUP) {
        log->info("SIGHUP: reloading");
        (void)service.reload();
        return on_signal();
      }
      log->info("{}: stopping", sig == SIGTERM ? "SIGTERM" : "SIGINT");
      sd_notify(0, "STOPPING=1");
      server.stop();
      watchdog.cancel();
      io.stop();
    });
  };
  on_signal();

  sd_notify(0, "READY=1");
  std::vector<std::thread> pool;
  for (unsigned i = 1; i < o.threads; ++i) pool.emplace_back([&] { io.run(); });
  io.run();
  for (auto& t : pool) t.join();

  service.stop();
  if (!activated) ::unlink(socket_path(global.run_dir).c_str());
  log->info("stopped");
  return 0;
}

}  // namespace scarlet::cli
