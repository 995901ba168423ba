;; What a WebAssembly program is given (docs/registry.md, "What a
;; WebAssembly program sees"): a WASI (wasi_snapshot_preview1) command
;; module, written by hand, that prints
;;
;;   env=<number of environment variables it got>
;;   preopen=<name>              one line per preopened directory
;;   open <path>: yes|no         per argument: whether the path opens for
;;                               reading under any preopened directory
;;
;; and exits 0. Every WASI runtime in the registry must print the same.
;;
;; Memory layout:
;;   0..15     iovec and byte count for fd_write
;;   16..23    counts and sizes (environ_sizes_get, args_sizes_get)
;;   24..31    a preopen's prestat (tag, name length)
;;   32..35    the fd path_open returns
;;   64..127   constant strings, NUL-terminated
;;   256..271  scratch for decimal digits
;;   1024..2047 a preopen's name
;;   8192..    argv pointers, then the argument strings (memory grows to fit)
(module
  (import "wasi_snapshot_preview1" "fd_write"
    (func $fd_write (param i32 i32 i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "args_sizes_get"
    (func $args_sizes_get (param i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "args_get"
    (func $args_get (param i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "environ_sizes_get"
    (func $environ_sizes_get (param i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "fd_prestat_get"
    (func $fd_prestat_get (param i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "fd_prestat_dir_name"
    (func $fd_prestat_dir_name (param i32 i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "path_open"
    (func $path_open (param i32 i32 i32 i32 i32 i64 i64 i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "fd_close"
    (func $fd_close (param i32) (result i32)))
  (import "wasi_snapshot_preview1" "proc_exit"
    (func $proc_exit (param i32)))

  (memory (export "memory") 1)

  (global $s_env i32 (i32.const 64))
  (global $s_preopen i32 (i32.const 72))
  (global $s_open i32 (i32.const 88))
  (global $s_yes i32 (i32.const 96))
  (global $s_no i32 (i32.const 104))
  (global $s_newline i32 (i32.const 112))
  (global $digits_end i32 (i32.const 272))
  (global $name i32 (i32.const 1024))
  (global $argv i32 (i32.const 8192))

  (data (i32.const 64) "env=\00")
  (data (i32.const 72) "preopen=\00")
  (data (i32.const 88) "open \00")
  (data (i32.const 96) ": yes\n\00")
  (data (i32.const 104) ": no\n\00")
  (data (i32.const 112) "\n\00")

  ;; Write len bytes at ptr to stdout; fd_write may take fewer, so loop.
  (func $write (param $ptr i32) (param $len i32)
    (local $n i32)
    (block $done
      (loop $more
        (br_if $done (i32.eqz (local.get $len)))
        (i32.store (i32.const 0) (local.get $ptr))
        (i32.store (i32.const 4) (local.get $len))
        (br_if $done (call $fd_write (i32.const 1) (i32.const 0) (i32.const 1) (i32.const 8)))
        (local.set $n (i32.load (i32.const 8)))
        (br_if $done (i32.eqz (local.get $n)))
        (local.set $ptr (i32.add (local.get $ptr) (local.get $n)))
        (local.set $len (i32.sub (local.get $len) (local.get $n)))
        (br $more))))

  (func $strlen (param $s i32) (result i32)
    (local $p i32)
    (local.set $p (local.get $s))
    (block $end
      (loop $scan
        (br_if $end (i32.eqz (i32.load8_u (local.get $p))))
        (local.set $p (i32.add (local.get $p) (i32.const 1)))
        (br $scan)))
    (i32.sub (local.get $p) (local.get $s)))

  (func $print (param $s i32)
    (call $write (local.get $s) (call $strlen (local.get $s))))

  (func $print_number (param $n i32)
    (local $p i32)
    (local.set $p (global.get $digits_end))
    (loop $digit
      (local.set $p (i32.sub (local.get $p) (i32.const 1)))
      (i32.store8 (local.get $p)
        (i32.add (i32.const 48) (i32.rem_u (local.get $n) (i32.const 10))))
      (local.set $n (i32.div_u (local.get $n) (i32.const 10)))
      (br_if $digit (local.get $n)))
    (call $write (local.get $p) (i32.sub (global.get $digits_end) (local.get $p))))

  ;; Whether `path` opens for reading under one of the fds 3 .. $end - 1.
  (func $opens (param $path i32) (param $end i32) (result i32)
    (local $fd i32)
    (local.set $fd (i32.const 3))
    (block $none
      (loop $next
        (br_if $none (i32.ge_u (local.get $fd) (local.get $end)))
        ;; rights: fd_read (1 << 1); no lookup flags, no open flags
        (if (i32.eqz (call $path_open (local.get $fd) (i32.const 0) (local.get $path) (call $strlen (local.get $path))
                                      (i32.const 0) (i64.const 2) (i64.const 0) (i32.const 0) (i32.const 32)))
          (then
            (drop (call $fd_close (i32.load (i32.const 32))))
            (return (i32.const 1))))
        (local.set $fd (i32.add (local.get $fd) (i32.const 1)))
        (br $next)))
    (i32.const 0))

  (func (export "_start")
    (local $fd i32)
    (local $length i32)
    (local $argc i32)
    (local $strings i32)
    (local $end i32)
    (local $i i32)
    (local $arg i32)

    (drop (call $environ_sizes_get (i32.const 16) (i32.const 20)))
    (call $print (global.get $s_env))
    (call $print_number (i32.load (i32.const 16)))
    (call $print (global.get $s_newline))

    ;; Preopens are the fds from 3 on, up to the first that is none.
    (local.set $fd (i32.const 3))
    (block $last
      (loop $next
        (br_if $last (call $fd_prestat_get (local.get $fd) (i32.const 24)))
        (local.set $length (i32.load (i32.const 28)))
        (br_if $last (i32.gt_u (local.get $length) (i32.const 1024)))
        (br_if $last (call $fd_prestat_dir_name (local.get $fd) (global.get $name) (local.get $length)))
        (call $print (global.get $s_preopen))
        (call $write (global.get $name) (local.get $length))
        (call $print (global.get $s_newline))
        (local.set $fd (i32.add (local.get $fd) (i32.const 1)))
        (br $next)))

    ;; Make room for argv: pointers at $argv, the strings right after them.
    (drop (call $args_sizes_get (i32.const 16) (i32.const 20)))
    (local.set $argc (i32.load (i32.const 16)))
    (local.set $strings
      (i32.add (global.get $argv) (i32.shl (local.get $argc) (i32.const 2))))
    (local.set $end (i32.add (local.get $strings) (i32.load (i32.const 20))))
    (if (i32.gt_u (local.get $end) (i32.shl (memory.size) (i32.const 16)))
      (then
        (if (i32.eq (i32.const -1)
              (memory.grow (i32.sub
                (i32.shr_u (i32.add (local.get $end) (i32.const 65535)) (i32.const 16))
                (memory.size))))
          (then (call $proc_exit (i32.const 70))))))  ;; EX_SOFTWARE
    (drop (call $args_get (global.get $argv) (local.get $strings)))

    (local.set $i (i32.const 1))
    (block $done
      (loop $each
        (br_if $done (i32.ge_u (local.get $i) (local.get $argc)))
        (local.set $arg (i32.load (i32.add (global.get $argv) (i32.shl (local.get $i) (i32.const 2)))))
        (call $print (global.get $s_open))
        (call $print (local.get $arg))
        (if (call $opens (local.get $arg) (local.get $fd))
          (then (call $print (global.get $s_yes)))
          (else (call $print (global.get $s_no))))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $each)))
    (call $proc_exit (i32.const 0))))
