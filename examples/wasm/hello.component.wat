;; The WebAssembly component sample: a WASI 0.2 command (it exports
;; wasi:cli/run), written by hand in the component text format.
;;
;;   hello from wasm-component
;;   argv0=<argv[0]>
;;   arg<i>=[<argv[i]>]      one line per argument
;;   then, if argv[1] is "-", stdin copied to stdout until EOF
;;
;; WASI 0.2's run returns only ok or error, so the exit status is 0 here, not
;; 10 + the number of arguments as in the other samples.
;;
;; Structure: the component imports the WASI interfaces it calls, lowers those
;; functions into core functions (canonical ABI), instantiates two core
;; modules with them ($Alloc holds the memory and the allocator the canonical
;; ABI needs before $Main exists; $Main is the program) and lifts $Main's "run"
;; as the export wasi:cli/run@0.2.0.
(component
  ;; --- Imported interfaces, typed as wit-component would type them. ---
  (import "wasi:io/error@0.2.0" (instance $io-error
    (export "error" (type (sub resource)))))
  (alias export $io-error "error" (type $error))

  (import "wasi:io/streams@0.2.0" (instance $streams
    (export "input-stream" (type $input-stream (sub resource)))
    (export "output-stream" (type $output-stream (sub resource)))
    (alias outer 1 $error (type $error-outer))
    (export "error" (type $error-type (eq $error-outer)))
    (type $stream-error-type (variant
      (case "last-operation-failed" (own $error-type))
      (case "closed")))
    (export "stream-error" (type $stream-error (eq $stream-error-type)))
    (export "[method]input-stream.blocking-read" (func
      (param "self" (borrow $input-stream)) (param "len" u64)
      (result (result (list u8) (error $stream-error)))))
    (export "[method]output-stream.blocking-write-and-flush" (func
      (param "self" (borrow $output-stream)) (param "contents" (list u8))
      (result (result (error $stream-error)))))))
  (alias export $streams "input-stream" (type $input-stream))
  (alias export $streams "output-stream" (type $output-stream))

  (import "wasi:cli/environment@0.2.0" (instance $environment
    (export "get-arguments" (func (result (list string))))))
  (import "wasi:cli/stdin@0.2.0" (instance $stdin
    (alias outer 1 $input-stream (type $input-stream-outer))
    (export "input-stream" (type $in (eq $input-stream-outer)))
    (export "get-stdin" (func (result (own $in))))))
  (import "wasi:cli/stdout@0.2.0" (instance $stdout
    (alias outer 1 $output-stream (type $output-stream-outer))
    (export "output-stream" (type $out (eq $output-stream-outer)))
    (export "get-stdout" (func (result (own $out))))))

  ;; --- Memory and allocator. The canonical ABI calls "realloc" to place the
  ;; lists and strings it hands to the program (arguments, data read). A bump
  ;; allocator is enough: $Main resets "heap" once it is done with a chunk. ---
  (core module $Alloc
    (memory (export "memory") 1)
    (global $heap (export "heap") (mut i32) (i32.const 16384))
    (func (export "realloc")
      (param $old i32) (param $old-size i32) (param $align i32) (param $size i32)
      (result i32)
      (local $p i32)
      ;; Only fresh allocations happen here (old is always 0): round up, bump.
      (local.set $p (i32.and
        (i32.add (global.get $heap) (i32.sub (local.get $align) (i32.const 1)))
        (i32.sub (i32.const 0) (local.get $align))))
      (global.set $heap (i32.add (local.get $p) (local.get $size)))
      (if (i32.gt_u (global.get $heap) (i32.shl (memory.size) (i32.const 16)))
        (then
          (if (i32.eq (i32.const -1) (memory.grow (i32.sub
                (i32.shr_u (i32.add (global.get $heap) (i32.const 65535)) (i32.const 16))
                (memory.size))))
            (then unreachable))))
      (local.get $p)))
  (core instance $alloc (instantiate $Alloc))
  (alias core export $alloc "memory" (core memory $memory))
  (alias core export $alloc "realloc" (core func $realloc))

  ;; --- WASI functions as core functions. ---
  (core func $get-arguments (canon lower (func $environment "get-arguments")
    (memory $memory) (realloc $realloc) string-encoding=utf8))
  (core func $get-stdin (canon lower (func $stdin "get-stdin")))
  (core func $get-stdout (canon lower (func $stdout "get-stdout")))
  (core func $blocking-read
    (canon lower (func $streams "[method]input-stream.blocking-read")
      (memory $memory) (realloc $realloc)))
  (core func $blocking-write-and-flush
    (canon lower (func $streams "[method]output-stream.blocking-write-and-flush")
      (memory $memory)))
  (core instance $wasi
    (export "get-arguments" (func $get-arguments))
    (export "get-stdin" (func $get-stdin))
    (export "get-stdout" (func $get-stdout))
    (export "blocking-read" (func $blocking-read))
    (export "blocking-write-and-flush" (func $blocking-write-and-flush)))

  ;; --- The program. Memory below 16384 is its own:
  ;;   0..15     result area for WASI calls
  ;;   64..255   constant strings
  ;;   256..271  scratch for decimal digits ---
  (core module $Main
    (import "alloc" "memory" (memory 1))
    (import "alloc" "heap" (global $heap (mut i32)))
    ;; get-arguments(retptr): list<string> as (pointer, count) at retptr
    (import "wasi" "get-arguments" (func $get-arguments (param i32)))
    (import "wasi" "get-stdin" (func $get-stdin (result i32)))
    (import "wasi" "get-stdout" (func $get-stdout (result i32)))
    ;; blocking-read(stream, len, retptr): result<list<u8>, stream-error>,
    ;; i.e. tag at retptr (0 = ok), then the list's (pointer, length)
    (import "wasi" "blocking-read" (func $blocking-read (param i32 i64 i32)))
    ;; blocking-write-and-flush(stream, ptr, len, retptr): tag at retptr
    (import "wasi" "blocking-write-and-flush"
      (func $blocking-write-and-flush (param i32 i32 i32 i32)))

    (global $stdout (mut i32) (i32.const 0))
    (data (i32.const 64) "hello from wasm-component\n")   ;; 26 bytes
    (data (i32.const 96) "argv0=")                        ;; 6
    (data (i32.const 112) "arg")                          ;; 3
    (data (i32.const 120) "=[")                           ;; 2
    (data (i32.const 124) "]\n")                          ;; 2

    ;; One call writes at most 4096 bytes (WASI's limit): write in chunks.
    (func $write (param $ptr i32) (param $len i32)
      (local $n i32)
      (block $done
        (loop $more
          (br_if $done (i32.eqz (local.get $len)))
          (local.set $n (select (i32.const 4096) (local.get $len)
                          (i32.gt_u (local.get $len) (i32.const 4096))))
          (call $blocking-write-and-flush
            (global.get $stdout) (local.get $ptr) (local.get $n) (i32.const 0))
          (br_if $done (i32.load8_u (i32.const 0)))        ;; error: give up
          (local.set $ptr (i32.add (local.get $ptr) (local.get $n)))
          (local.set $len (i32.sub (local.get $len) (local.get $n)))
          (br $more))))

    (func $write_number (param $n i32)
      (local $p i32)
      (local.set $p (i32.const 272))
      (loop $digit
        (local.set $p (i32.sub (local.get $p) (i32.const 1)))
        (i32.store8 (local.get $p)
          (i32.add (i32.const 48) (i32.rem_u (local.get $n) (i32.const 10))))
        (local.set $n (i32.div_u (local.get $n) (i32.const 10)))
        (br_if $digit (local.get $n)))
      (call $write (local.get $p) (i32.sub (i32.const 272) (local.get $p))))

    (func $copy_stdin
      (local $stdin i32)
      (local $mark i32)
      (local.set $stdin (call $get-stdin))
      (local.set $mark (global.get $heap))
      (block $eof
        (loop $more
          (call $blocking-read (local.get $stdin) (i64.const 4096) (i32.const 0))
          (br_if $eof (i32.load8_u (i32.const 0)))         ;; closed or failed
          (call $write (i32.load (i32.const 4)) (i32.load (i32.const 8)))
          (global.set $heap (local.get $mark))             ;; free the chunk
          (br $more))))

    (func (export "run") (result i32)
      (local $args i32)
      (local $argc i32)
      (local $i i32)
      (local $arg i32)
      (global.set $stdout (call $get-stdout))
      (call $get-arguments (i32.const 0))
      (local.set $args (i32.load (i32.const 0)))      ;; array of (ptr, len)
      (local.set $argc (i32.load (i32.const 4)))

      (call $write (i32.const 64) (i32.const 26))
      (call $write (i32.const 96) (i32.const 6))
      (if (local.get $argc)
        (then (call $write (i32.load (local.get $args))
                           (i32.load offset=4 (local.get $args)))))
      (call $write (i32.const 125) (i32.const 1))

      (local.set $i (i32.const 1))
      (block $done
        (loop $each
          (br_if $done (i32.ge_u (local.get $i) (local.get $argc)))
          (local.set $arg (i32.add (local.get $args) (i32.shl (local.get $i) (i32.const 3))))
          (call $write (i32.const 112) (i32.const 3))
          (call $write_number (local.get $i))
          (call $write (i32.const 120) (i32.const 2))
          (call $write (i32.load (local.get $arg)) (i32.load offset=4 (local.get $arg)))
          (call $write (i32.const 124) (i32.const 2))
          (local.set $i (i32.add (local.get $i) (i32.const 1)))
          (br $each)))

      ;; argv[1] == "-": copy stdin to stdout.
      (if (i32.ge_u (local.get $argc) (i32.const 2))
        (then
          (local.set $arg (i32.add (local.get $args) (i32.const 8)))
          (if (i32.and
                (i32.eq (i32.load offset=4 (local.get $arg)) (i32.const 1))
                (i32.eq (i32.load8_u (i32.load (local.get $arg))) (i32.const 45)))
            (then (call $copy_stdin)))))
      (i32.const 0)))                                  ;; ok
  (core instance $main (instantiate $Main
    (with "alloc" (instance $alloc))
    (with "wasi" (instance $wasi))))

  ;; --- The export that makes this a command. ---
  (func $run (result (result)) (canon lift (core func $main "run")))
  (instance $run-instance (export "run" (func $run)))
  (export "wasi:cli/run@0.2.0" (instance $run-instance)))
