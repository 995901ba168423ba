;; The WebAssembly sample: a WASI (wasi_snapshot_preview1) command module,
;; written by hand. Same output as the native samples:
;;
;;   hello from wasm
;;   argv0=<argv[0]>
;;   arg<i>=[<argv[i]>]      one line per argument, bytes as received
;;   then, if argv[1] is "-", stdin copied to stdout until EOF
;;   exit status 10 + number of arguments
;;
;; Memory layout (the first page is enough except for the arguments):
;;   0..15     iovec and byte count for fd_write
;;   16..23    argc and the size of the argument strings (args_sizes_get)
;;   32..47    iovec and byte count for fd_read
;;   64..255   constant strings, NUL-terminated
;;   256..271  scratch for decimal digits
;;   1024..    stdin buffer (4096 bytes)
;;   8192..    argv pointers, then the argument strings (memory grows to fit)
(module
  (import "wasi_snapshot_preview1" "fd_write"
    (func $fd_write (param i32 i32 i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "fd_read"
    (func $fd_read (param i32 i32 i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "args_sizes_get"
    (func $args_sizes_get (param i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "args_get"
    (func $args_get (param i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "proc_exit"
    (func $proc_exit (param i32)))

  (memory (export "memory") 1)

  (global $s_hello i32 (i32.const 64))
  (global $s_argv0 i32 (i32.const 96))
  (global $s_arg i32 (i32.const 112))
  (global $s_open i32 (i32.const 120))
  (global $s_close i32 (i32.const 124))
  (global $s_newline i32 (i32.const 128))
  (global $digits_end i32 (i32.const 272))
  (global $stdin_buf i32 (i32.const 1024))
  (global $argv i32 (i32.const 8192))

  (data (i32.const 64) "hello from wasm\n\00")
  (data (i32.const 96) "argv0=\00")
  (data (i32.const 112) "arg\00")
  (data (i32.const 120) "=[\00")
  (data (i32.const 124) "]\n\00")
  (data (i32.const 128) "\n\00")

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

  ;; argv[i]
  (func $arg (param $i i32) (result i32)
    (i32.load (i32.add (global.get $argv) (i32.shl (local.get $i) (i32.const 2)))))

  (func $copy_stdin
    (local $n i32)
    (block $eof
      (loop $more
        (i32.store (i32.const 32) (global.get $stdin_buf))
        (i32.store (i32.const 36) (i32.const 4096))
        (br_if $eof (call $fd_read (i32.const 0) (i32.const 32) (i32.const 1) (i32.const 40)))
        (local.set $n (i32.load (i32.const 40)))
        (br_if $eof (i32.eqz (local.get $n)))
        (call $write (global.get $stdin_buf) (local.get $n))
        (br $more))))

  (func (export "_start")
    (local $argc i32)
    (local $strings i32)
    (local $end i32)
    (local $i i32)
    (local $first i32)

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

    (call $print (global.get $s_hello))
    (call $print (global.get $s_argv0))
    (if (local.get $argc) (then (call $print (call $arg (i32.const 0)))))
    (call $print (global.get $s_newline))

    (local.set $i (i32.const 1))
    (block $done
      (loop $each
        (br_if $done (i32.ge_u (local.get $i) (local.get $argc)))
        (call $print (global.get $s_arg))
        (call $print_number (local.get $i))
        (call $print (global.get $s_open))
        (call $print (call $arg (local.get $i)))
        (call $print (global.get $s_close))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $each)))

    ;; argv[1] == "-": copy stdin to stdout.
    (if (i32.ge_u (local.get $argc) (i32.const 2))
      (then
        (local.set $first (call $arg (i32.const 1)))
        (if (i32.and
              (i32.eq (i32.load8_u (local.get $first)) (i32.const 45))
              (i32.eqz (i32.load8_u offset=1 (local.get $first))))
          (then (call $copy_stdin)))))

    (call $proc_exit
      (i32.add (i32.const 10)
        (select (i32.sub (local.get $argc) (i32.const 1)) (i32.const 0) (local.get $argc))))))
