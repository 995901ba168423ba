# Shared by the bench/ scripts (sourced, not run).
#   top, build    the source tree and its build directory; BUILD=DIR runs
#                 the programs already built in DIR instead (say, to compare
#                 an older build: bin/, bench/, etc/ and examples/ are used)
#   need PKG…     installs missing Debian packages, saying which
#   built TARGET… configures build/ if needed and builds the targets (not
#                 with BUILD)
#   machine       one paragraph describing this machine, for the results
#   quiet_enough  waits (up to a minute) for the load average to settle
top=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
build=${BUILD:-$top/build}
cli=$build/bin/scarlet-dispatch

need() {
  local missing=() p
  for p in "$@"; do
    [[ $(dpkg-query -W -f='${db:Status-Status}' "$p" 2>/dev/null) == installed ]] || missing+=("$p")
  done
  [[ ${#missing[@]} -eq 0 ]] && return 0
  echo "bench: installing ${missing[*]} (apt-get)" >&2
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
}

built() {
  [[ -z ${BUILD:-} ]] || return 0
  [[ -f $build/build.ninja ]] || cmake -S "$top" -B "$build" -G Ninja -DSCARLET_WERROR=ON >/dev/null
  ninja -C "$build" "$@" >/dev/null
}

machine() {
  local cpu debian
  cpu=$(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -n 1)
  debian=$(cat /etc/debian_version 2>/dev/null || echo unknown)
  echo "machine: $(nproc) cores, $cpu; Linux $(uname -r); Debian $debian;" \
       "load average at start $(cut -d' ' -f1-3 /proc/loadavg)"
}

quiet_enough() {
  local i
  for i in $(seq 1 30); do
    awk '{ exit !($1 < 0.5) }' /proc/loadavg && return 0
    sleep 2
  done
  echo "bench: warning: the machine is busy (load $(cut -d' ' -f1-3 /proc/loadavg)); figures will be noisy" >&2
}
