# shellcheck shell=bash
# Debian 12's podman 4.3 with all of its state private, sourced by the
# scripts that run a real engine inside `scarlet-dispatch sandbox` (its
# private binfmt_misc table; never the host's). How podman runs in a user
# namespace on this kind of machine, and why each knob below is needed:
# /work/shared/CONTAINER-TESTING.md.
#
#   private_podman_reexec "$0" "$@"   first: re-runs the script in a mount
#                                     namespace of its own (returns there)
#   private_podman_setup DIR          state under DIR/podman ($W); exports
#                                     what podman reads; sets `ids`
#   private_podman_pause_image BUSYBOX  the pods' infra ("pause") image
#                                     from a static host busybox: podman
#                                     otherwise builds one from catatonit
#   private_podman_finish             removes every container, waits for the
#                                     engine, prints "=== leftovers" (each
#                                     process still alive, killed)
#
# Skips ("SKIPPED: podman: reason", exit 0) only where podman cannot run.

private_podman_skip() { echo "SKIPPED: podman: $*"; exit 0; }

# What podman mounts is seen by nobody else: a mount namespace of its own.
private_podman_reexec() {
  [ -n "${SCARLET_RUNDIR:-}" ] || { echo "$(basename "$1"): run me inside scarlet-dispatch sandbox" >&2; exit 2; }
  command -v podman >/dev/null || private_podman_skip "not installed (scripts/deps installs it)"
  command -v crun >/dev/null || private_podman_skip "crun is not installed"
  if [ -z "${PRIVATE_PODMAN_INNER:-}" ]; then
    export PRIVATE_PODMAN_INNER=1
    exec unshare --mount --propagation private "$@"
  fi
}

private_podman_setup() {
  W=$1/podman
  mkdir -p "$W/tmp" "$W/run" "$W/graph" "$W/home" "$W/net"
  # crun refuses a hybrid host whose cgroup2 has controllers; podman's lock
  # file goes in /dev/shm; with /var/lib read-only its blob cache stays in
  # memory; /run/containers (network configs) and /var/tmp stay ours.
  if mountpoint -q /sys/fs/cgroup/unified; then mount -t tmpfs -o ro,size=4k none /sys/fs/cgroup/unified; fi
  mount -t tmpfs -o size=16m shm /dev/shm
  mount --bind /var/lib /var/lib && mount -o remount,bind,ro /var/lib
  if [ -d /run/containers ]; then mount -t tmpfs -o size=1m containers /run/containers; fi
  mount -t tmpfs -o size=256m vartmp /var/tmp  # some of podman's temporary files ignore TMPDIR

  # Root in a user namespace cannot raise hard limits, and podman lowers its
  # RLIMIT_NPROC to 32768 before it starts crun.
  nofile=$(ulimit -Hn) nproc=$(ulimit -Hu)
  case $nproc in unlimited) nproc=32768 ;; *) [ "$nproc" -gt 32768 ] && nproc=32768 ;; esac
  cat >"$W/containers.conf" <<CONF
[containers]
cgroups = "disabled"
netns = "none"
default_ulimits = ["nofile=$nofile:$nofile", "nproc=$nproc:$nproc"]

[network]
network_config_dir = "$W/net"

[engine]
cgroup_manager = "cgroupfs"
events_logger = "file"
events_logfile_path = "$W/events.log"
tmp_dir = "$W/tmp"
image_copy_tmp_dir = "$W/tmp"
runtime = "crun"
infra_image = "localhost/private-pause"

[engine.runtimes]
crun = ["$W/crun"]
CONF
  cat >"$W/storage.conf" <<CONF
[storage]
driver = "vfs"
runroot = "$W/run"
graphroot = "$W/graph"
CONF
  printf '#!/bin/sh\nexec %s --root %s "$@"\n' "$(command -v crun)" "$W/run/crun" >"$W/crun"
  chmod +x "$W/crun"
  export CONTAINERS_CONF=$W/containers.conf CONTAINERS_STORAGE_CONF=$W/storage.conf
  export TMPDIR=$W/tmp HOME=$W/home XDG_CONFIG_HOME=$W/home/.config XDG_DATA_HOME=$W/home/.local XDG_RUNTIME_DIR=$W/tmp

  # Containers get their own user namespace, mapping fewer ids than ours (with
  # everything mapped crun thinks it is the initial namespace and mknods).
  # shellcheck disable=SC2034  # read by the scripts that source this
  ids=(--uidmap 0:0:65536 --gidmap 0:0:65536)
}

private_podman_pause_image() {
  mkdir -p "$W/pause"
  cp "$1" "$W/pause/busybox"
  tar -C "$W/pause" -c busybox |
    podman import --quiet --change 'ENTRYPOINT ["/busybox", "sleep", "2147483647"]' - localhost/private-pause >/dev/null
}

private_podman_pids() {  # every process whose command line names our work dir
  for p in /proc/[0-9]*; do
    if tr '\0' ' ' 2>/dev/null <"$p/cmdline" | grep -qF "$W"; then echo "${p#/proc/}"; fi
  done
}

private_podman_finish() {
  podman pod rm --all --force --time 0 >/dev/null 2>&1
  podman rm --all --force --time 0 >/dev/null 2>&1
  for _ in $(seq 100); do [ -z "$(private_podman_pids)" ] && break; sleep 0.1; done
  echo '=== leftovers'
  for p in $(private_podman_pids); do tr '\0' ' ' 2>/dev/null <"/proc/$p/cmdline"; echo; kill -KILL "$p"; done
}
