# Foreign programs in chroots and containers, one shell function per case of
# issue 10's table, sourced by containers_test.cc inside `scarlet-dispatch
# sandbox` (never on the host's table). Each case prints "=== name"
# sections, each with what the programs printed (stderr too) and "rc=N".
#
# The same case runs against either table (`use_entries`):
#   scarlet   the sandbox daemon's own entries, from its registry
#   stock     Debian's qemu-user-static entry, registered by hand from
#             /usr/share/binfmts/qemu-aarch64 after ours are gone
# and with the sandbox's daemon in any state (`daemon_mode`).
#
# Needs: $T (scratch), $CLI, $ROOTFS (build-arm64-rootfs's DEST), $PROBE
# (examples/elf/hello-aarch64-static: prints its argv[0] and arguments,
# exits 10 + their count) and $HOST_BUSYBOX (a static host busybox: the
# containers' runner once the host's root is gone).

binfmt=/proc/sys/fs/binfmt_misc

daemon_pid() { "$CLI" status --json 2>/dev/null | sed -n 's/^  "pid": \([0-9]*\),$/\1/p'; }

# Waits until process $1 has exited (the sandbox reaps it only at the end).
wait_exit() {
  while [ -e "/proc/$1" ] && [ "$(cut -d' ' -f3 "/proc/$1/stat" 2>/dev/null)" != Z ]; do sleep 0.05; done
}

# daemon_mode running|killed|stopped|frozen: leaves the sandbox's daemon
# running, SIGKILLed, stopped as `systemctl stop` does (SIGTERM) or frozen
# (SIGSTOP, as a daemon stuck or still restarting; thawed by `cleanup`).
# Where no daemon answers (stock entries, or gone already) there is nothing to do.
daemon_mode() {
  pid=$(daemon_pid)
  case $1 in
    running) ;;
    killed) if [ -n "$pid" ]; then kill -KILL "$pid"; wait_exit "$pid"; fi ;;
    stopped) if [ -n "$pid" ]; then kill -TERM "$pid"; wait_exit "$pid"; fi ;;
    frozen) if [ -n "$pid" ]; then kill -STOP "$pid"; frozen_pid=$pid; fi ;;
    *) echo "daemon_mode: $1?" >&2; return 2 ;;
  esac
}

# The register line Debian's update-binfmts writes for a /usr/share/binfmts file.
stock_register_line() {
  sed -n 's/^\([a-z_]*\) \(.*\)$/\1=\2/p' "$1" | {
    name=$(basename "$1") offset=0 magic='' mask='' interp='' flags=
    while IFS='=' read -r key value; do
      case $key in
        interpreter) interp=$value ;;
        magic) magic=$value ;;
        mask) mask=$value ;;
        offset) offset=$value ;;
        credentials) [ "$value" = yes ] && flags=${flags}C ;;
        fix_binary) [ "$value" = yes ] && flags=${flags}F ;;
        preserve) [ "$value" = yes ] && flags=${flags}P ;;
      esac
    done
    printf ':%s:M:%s:%s:%s:%s:%s\n' "$name" "$offset" "$magic" "$mask" "$interp" "$flags"
  }
}

# use_entries scarlet|stock (refused outside a user namespace of our own:
# the table written here must be a private one, never the host's)
use_entries() {
  # 4026531837 (PROC_USER_INIT_INO): the kernel's number for the initial user namespace
  if [ "$(readlink /proc/self/ns/user)" = "user:[4026531837]" ]; then
    echo "use_entries: not in a sandbox's user namespace; refusing to touch this binfmt_misc table" >&2
    return 2
  fi
  case $1 in
    scarlet) ;;
    stock)
      # No daemon, and nothing in the (private) table but Debian's entry,
      # whatever the daemon leaves behind when it stops.
      daemon_mode stopped
      echo -1 >"$binfmt/status"
      stock_register_line /usr/share/binfmts/qemu-aarch64 >"$binfmt/register"
      # As Debian ships qemu-user-static: nothing in its interp prefix
      # /etc/qemu-binfmt (which another tool may have filled on this host).
      if [ -d /etc/qemu-binfmt ]; then mount -t tmpfs -o ro,size=4k none /etc/qemu-binfmt; fi
      ;;
    *) echo "use_entries: $1?" >&2; return 2 ;;
  esac
}

# Puts back what a case changed: thaws a frozen daemon (for the sandbox to
# stop it), lifts the chroots' mounts (a container's go with it).
cleanup() {
  if [ -n "${frozen_pid:-}" ]; then kill -CONT "$frozen_pid"; fi
  for m in "$T/root/proc" "$T/root/dev"; do
    if mountpoint -q "$m"; then umount -l "$m"; fi  # with everything under it
  done
}

# fresh_root DIR: a writable copy of the arm64 root, plus the argv[0] probe.
fresh_root() {
  mkdir -p "$1" && cp -a "$ROOTFS/rootfs/." "$1/" && cp "$PROBE" "$1/usr/bin/probe"
}

# Runs "$@" (a command line as words; at most $limit seconds), then prints
# its rc; stderr joins stdout.
limit=20
try() { timeout -k 2 "$limit" "$@" 2>&1; echo "rc=$?"; }

# --- chroots ---------------------------------------------------------------

chroot_programs() {  # ROOT
  echo '=== static'; try chroot "$1" /bin/busybox echo static
  echo '=== dynamic'; try chroot "$1" /usr/bin/hello
  echo '=== argv0'; try chroot "$1" /bin/sh -c 'exec -a given /usr/bin/probe x'
}

# A Debian chroot as debootstrap or sbuild make it: /proc and /dev mounted.
case_chroot_full() {
  R=$T/root; fresh_root "$R"
  mount --rbind --make-rslave /proc "$R/proc"; mount --rbind --make-rslave /dev "$R/dev"
  chroot_programs "$R"
}

# The same root with neither /proc nor /dev.
case_chroot_bare() {
  R=$T/root; fresh_root "$R"
  chroot_programs "$R"
}

# BuildKit's probe: one static foreign program alone in an empty directory.
case_buildkit_probe() {
  P=$T/probe; mkdir -p "$P"; cp "$ROOTFS/rootfs/bin/busybox" "$P/busybox"
  echo '=== probe'; try chroot "$P" /busybox true
  echo '=== output'; try chroot "$P" /busybox echo probed
}

# --- containers --------------------------------------------------------------

# container ROOT proc|noproc SCRIPT: SCRIPT run by the static host busybox's
# shell in new mount, net, pid, uts and ipc namespaces after pivot_root into
# ROOT (with its own /proc, or none) and with the host's root unmounted, in
# an environment of the container's own: nothing of the host is left but
# what the kernel hands over.
container() {
  env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin \
    timeout -k 2 "$limit" unshare --mount --net --pid --uts --ipc --fork --kill-child --propagation private \
    /bin/sh -c "$container_init" init "$1" "$2" "$(readlink -f "$HOST_BUSYBOX")" "$3"
}
# shellcheck disable=SC2016 # expanded by the container's init
container_init='
set -e
root=$1 proc=$2 hb=$3 script=$4
hostname arm64-container
mount --rbind "$root" "$root"  # with what is mounted in it
if [ "$proc" = proc ]; then mount -t proc proc "$root/proc"; fi
mount -t tmpfs -o mode=755,size=64k dev "$root/dev"
for d in null zero full random urandom; do touch "$root/dev/$d"; mount --bind "/dev/$d" "$root/dev/$d"; done
ln -s /proc/self/fd "$root/dev/fd"
mkdir -p "$root/.old"; cd "$root"; pivot_root . .old
exec "/.old$hb" sh -c "/.old$hb umount -l /.old; cd /; $script"
'

# What runs inside: builtins of the host busybox's shell and full paths (so
# that every program named here is the container's own, exec'd for real).
# shellcheck disable=SC2016 # expanded by the container's shell
container_programs='
echo "=== isolation"; echo "pid $$, SCARLET_RUNDIR=${SCARLET_RUNDIR:-}"
for p in /.old/usr /usr/bin/qemu-aarch64-static /usr/libexec/qemu-binfmt /etc/scarlet-dispatch /run /tmp/scarlet-sandbox-*; do
  if [ -e "$p" ]; then echo "visible: $p"; fi
done
echo "=== static"; /bin/busybox echo static 2>&1; echo "rc=$?"
echo "=== dynamic"; /usr/bin/hello 2>&1; echo "rc=$?"
echo "=== applet"; /bin/ls -d /etc 2>&1; echo "rc=$?"
echo "=== argv0"; probe x y 2>&1; echo "rc=$?"
echo "=== shell"; /bin/sh -c "/bin/uname -m; /usr/bin/hello; /bin/busybox true; echo child rc=\$?; exit 3" 2>&1; echo "rc=$?"
echo "=== stdin"; echo piped | /bin/cat 2>&1; echo "rc=$?"
'

case_container() {
  R=$T/root; fresh_root "$R"
  container "$R" proc "$container_programs"
}

case_container_noproc() {
  R=$T/root; fresh_root "$R"
  container "$R" noproc "$container_programs"
}

# A container's shell runs a program, the daemon is killed, and it runs
# more: a container outliving a daemon restart (a package upgrade, a crash).
# The two fifos sit in the container's root, where both sides see them.
case_container_midway() {
  R=$T/root; fresh_root "$R"; mkfifo "$R/ready" "$R/go"
  container "$R" proc '
echo "=== before"; /usr/bin/hello 2>&1; echo "rc=$?"
echo ready >/ready; read -r _ </go
echo "=== after"; /usr/bin/hello 2>&1; echo "rc=$?"
echo "=== shell after"; /bin/sh -c "/bin/uname -m; /bin/busybox echo child" 2>&1; echo "rc=$?"
' &
  read -r _ <"$R/ready"; daemon_mode killed; echo go >"$R/go"
  wait
}

# --- the host ----------------------------------------------------------------

# A dynamic arm64 program on the host: its loader and libraries are only in
# the cross sysroot /usr/aarch64-linux-gnu (libc6-arm64-cross).
case_host_dynamic() {
  echo '=== host dynamic'; try "$ROOTFS/rootfs/usr/bin/hello"
}

# --- formats the kernel's magic cannot decide ----------------------------------

# Programs whose format only a module can tell (a jar, a Windows and an
# MS-DOS program) in a container with nothing of ours: the shim decides from
# the registry in its own image. In the arm64 root no runtime of theirs is
# installed; in a root that has the host's /usr (a container image with its
# own Java), the jar runs.
formats_programs='
for p in /hello.jar /hello64.exe /HELLO.COM; do echo "=== $p"; $p x 2>&1; echo "rc=$?"; done
'
case_container_formats() {
  R=$T/root; fresh_root "$R"
  cp "$FORMATS/java/hello.jar" "$FORMATS/pe/hello64.exe" "$FORMATS/msdos/HELLO.COM" "$R/"
  container "$R" proc "$formats_programs"
}

case_container_own_java() {
  R=$T/jroot; mkdir -p "$R/usr" "$R/etc" "$R/proc" "$R/dev" "$R/tmp"
  for l in bin lib lib64 sbin; do ln -s "usr/$l" "$R/$l"; done
  mount --rbind --make-rslave /usr "$R/usr"; mount --rbind --make-rslave /etc "$R/etc"
  cp "$FORMATS/java/hello.jar" "$R/"
  limit=60 container "$R" proc 'echo "=== jar"; /hello.jar x 2>&1; echo "rc=$?"'
  umount -l "$R/usr" "$R/etc"
}
