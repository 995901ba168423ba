;; A WASI 0.2 command that sends an HTTP GET to http://127.0.0.1:<argv[1]>/
;; through wasi:http's outgoing handler and says on stdout what handle
;; returned, then waits for the response (or its failure):
;;
;;   handle: ok                    the request went out
;;   handle: HTTP-request-denied   its error-code, case 15
;;   handle: error-code <N>        any other case, by number
;;
;; The exit status is ok either way. What a runtime lets it reach shows in
;; that line and in whether the caller's listener on that port was
;; connected to.
(component
  (import "wasi:io/poll@0.2.0" (instance $poll
    (export "pollable" (type $pollable (sub resource)))
    (export "[method]pollable.block" (func (param "self" (borrow $pollable))))))
  (alias export $poll "pollable" (type $pollable))
  (import "wasi:io/error@0.2.0" (instance $io-error
    (export "error" (type (sub resource)))))
  (alias export $io-error "error" (type $error))
  (import "wasi:io/streams@0.2.0" (instance $streams
    (export "output-stream" (type $output-stream (sub resource)))
    (alias outer 1 $error (type $error-outer))
    (export "error" (type $error-type (eq $error-outer)))
    (type $stream-error-type (variant
      (case "last-operation-failed" (own $error-type))
      (case "closed")))
    (export "stream-error" (type $stream-error (eq $stream-error-type)))
    (export "[method]output-stream.blocking-write-and-flush" (func
      (param "self" (borrow $output-stream)) (param "contents" (list u8))
      (result (result (error $stream-error)))))))
  (alias export $streams "output-stream" (type $output-stream))
  (import "wasi:cli/environment@0.2.0" (instance $environment
    (export "get-arguments" (func (result (list string))))))
  (import "wasi:cli/stdout@0.2.0" (instance $stdout
    (alias outer 1 $output-stream (type $output-stream-outer))
    (export "output-stream" (type $out (eq $output-stream-outer)))
    (export "get-stdout" (func (result (own $out))))))

  ;; wasi:http/types, the parts used here, and error-code whole (its cases
  ;; and payloads decide how an error is laid out in memory).
  (import "wasi:http/types@0.2.0" (instance $types
    (alias outer 1 $pollable (type $pollable-outer))
    (export "pollable" (type $p (eq $pollable-outer)))
    (export "fields" (type $fields (sub resource)))
    (export "outgoing-request" (type $request (sub resource)))
    (export "request-options" (type (sub resource)))
    (export "future-incoming-response" (type $future (sub resource)))
    (type $scheme-type (variant (case "HTTP") (case "HTTPS") (case "other" string)))
    (export "scheme" (type $scheme (eq $scheme-type)))
    (type $dns-type (record (field "rcode" (option string)) (field "info-code" (option u16))))
    (export "DNS-error-payload" (type $dns (eq $dns-type)))
    (type $tls-type (record (field "alert-id" (option u8)) (field "alert-message" (option string))))
    (export "TLS-alert-received-payload" (type $tls (eq $tls-type)))
    (type $size-type (record (field "field-name" (option string)) (field "field-size" (option u32))))
    (export "field-size-payload" (type $size (eq $size-type)))
    (type $error-code-type (variant
      (case "DNS-timeout")
      (case "DNS-error" $dns)
      (case "destination-not-found")
      (case "destination-unavailable")
      (case "destination-IP-prohibited")
      (case "destination-IP-unroutable")
      (case "connection-refused")
      (case "connection-terminated")
      (case "connection-timeout")
      (case "connection-read-timeout")
      (case "connection-write-timeout")
      (case "connection-limit-reached")
      (case "TLS-protocol-error")
      (case "TLS-certificate-error")
      (case "TLS-alert-received" $tls)
      (case "HTTP-request-denied")
      (case "HTTP-request-length-required")
      (case "HTTP-request-body-size" (option u64))
      (case "HTTP-request-method-invalid")
      (case "HTTP-request-URI-invalid")
      (case "HTTP-request-URI-too-long")
      (case "HTTP-request-header-section-size" (option u32))
      (case "HTTP-request-header-size" (option $size))
      (case "HTTP-request-trailer-section-size" (option u32))
      (case "HTTP-request-trailer-size" $size)
      (case "HTTP-response-incomplete")
      (case "HTTP-response-header-section-size" (option u32))
      (case "HTTP-response-header-size" $size)
      (case "HTTP-response-body-size" (option u64))
      (case "HTTP-response-trailer-section-size" (option u32))
      (case "HTTP-response-trailer-size" $size)
      (case "HTTP-response-transfer-coding" (option string))
      (case "HTTP-response-content-coding" (option string))
      (case "HTTP-response-timeout")
      (case "HTTP-upgrade-failed")
      (case "HTTP-protocol-error")
      (case "loop-detected")
      (case "configuration-error")
      (case "internal-error" (option string))))
    (export "error-code" (type (eq $error-code-type)))
    (export "[constructor]fields" (func (result (own $fields))))
    (export "[constructor]outgoing-request" (func (param "headers" (own $fields))
      (result (own $request))))
    (export "[method]outgoing-request.set-scheme" (func
      (param "self" (borrow $request)) (param "scheme" (option $scheme)) (result (result))))
    (export "[method]outgoing-request.set-authority" (func
      (param "self" (borrow $request)) (param "authority" (option string)) (result (result))))
    (export "[method]outgoing-request.set-path-with-query" (func
      (param "self" (borrow $request)) (param "path-with-query" (option string)) (result (result))))
    (export "[method]future-incoming-response.subscribe" (func
      (param "self" (borrow $future)) (result (own $p))))))
  (alias export $types "outgoing-request" (type $outgoing-request))
  (alias export $types "request-options" (type $request-options))
  (alias export $types "future-incoming-response" (type $future-incoming-response))
  (alias export $types "error-code" (type $error-code))

  (import "wasi:http/outgoing-handler@0.2.0" (instance $outgoing-handler
    (alias outer 1 $outgoing-request (type $request-outer))
    (export "outgoing-request" (type $request (eq $request-outer)))
    (alias outer 1 $request-options (type $options-outer))
    (export "request-options" (type $options (eq $options-outer)))
    (alias outer 1 $future-incoming-response (type $future-outer))
    (export "future-incoming-response" (type $future (eq $future-outer)))
    (alias outer 1 $error-code (type $error-code-outer))
    (export "error-code" (type $ec (eq $error-code-outer)))
    (export "handle" (func (param "request" (own $request)) (param "options" (option (own $options)))
      (result (result (own $future) (error $ec)))))))

  (core module $Alloc
    (memory (export "memory") 1)
    (global $heap (mut i32) (i32.const 16384))
    (func (export "realloc")
      (param $old i32) (param $old-size i32) (param $align i32) (param $size i32)
      (result i32)
      (local $p i32)
      (local.set $p (i32.and
        (i32.add (global.get $heap) (i32.sub (local.get $align) (i32.const 1)))
        (i32.sub (i32.const 0) (local.get $align))))
      (global.set $heap (i32.add (local.get $p) (local.get $size)))
      (local.get $p)))
  (core instance $alloc (instantiate $Alloc))
  (alias core export $alloc "memory" (core memory $memory))
  (alias core export $alloc "realloc" (core func $realloc))

  (core func $get-arguments (canon lower (func $environment "get-arguments")
    (memory $memory) (realloc $realloc) string-encoding=utf8))
  (core func $get-stdout (canon lower (func $stdout "get-stdout")))
  (core func $write (canon lower (func $streams "[method]output-stream.blocking-write-and-flush")
    (memory $memory)))
  (core func $block (canon lower (func $poll "[method]pollable.block")))
  (core func $new-fields (canon lower (func $types "[constructor]fields")))
  (core func $new-request (canon lower (func $types "[constructor]outgoing-request")))
  (core func $set-scheme (canon lower (func $types "[method]outgoing-request.set-scheme")
    (memory $memory) string-encoding=utf8))
  (core func $set-authority (canon lower (func $types "[method]outgoing-request.set-authority")
    (memory $memory) string-encoding=utf8))
  (core func $set-path (canon lower (func $types "[method]outgoing-request.set-path-with-query")
    (memory $memory) string-encoding=utf8))
  (core func $subscribe (canon lower (func $types "[method]future-incoming-response.subscribe")))
  (core func $handle (canon lower (func $outgoing-handler "handle")
    (memory $memory) (realloc $realloc) string-encoding=utf8))
  (core instance $wasi
    (export "get-arguments" (func $get-arguments))
    (export "get-stdout" (func $get-stdout))
    (export "write" (func $write))
    (export "block" (func $block))
    (export "new-fields" (func $new-fields))
    (export "new-request" (func $new-request))
    (export "set-scheme" (func $set-scheme))
    (export "set-authority" (func $set-authority))
    (export "set-path" (func $set-path))
    (export "subscribe" (func $subscribe))
    (export "handle" (func $handle)))

  ;; --- The program. Memory below 16384 is its own:
  ;;   0..63      result area for WASI calls
  ;;   64..255    constant strings
  ;;   256..287   the authority, "127.0.0.1:" and the port's digits ---
  (core module $Main
    (import "alloc" "memory" (memory 1))
    (import "wasi" "get-arguments" (func $get-arguments (param i32)))
    (import "wasi" "get-stdout" (func $get-stdout (result i32)))
    (import "wasi" "write" (func $blocking-write-and-flush (param i32 i32 i32 i32)))
    (import "wasi" "block" (func $block (param i32)))
    (import "wasi" "new-fields" (func $new-fields (result i32)))
    (import "wasi" "new-request" (func $new-request (param i32) (result i32)))
    ;; set-scheme(self, option discriminant, scheme discriminant, string ptr, len)
    (import "wasi" "set-scheme" (func $set-scheme (param i32 i32 i32 i32 i32) (result i32)))
    ;; set-authority / set-path-with-query(self, option discriminant, ptr, len)
    (import "wasi" "set-authority" (func $set-authority (param i32 i32 i32 i32) (result i32)))
    (import "wasi" "set-path" (func $set-path (param i32 i32 i32 i32) (result i32)))
    (import "wasi" "subscribe" (func $subscribe (param i32) (result i32)))
    ;; handle(request, option discriminant, options, retptr): tag at retptr,
    ;; then (at retptr + 8: error-code's payloads hold u64s) the future's
    ;; handle or error-code's discriminant
    (import "wasi" "handle" (func $handle (param i32 i32 i32 i32)))

    (global $stdout (mut i32) (i32.const 0))
    (data (i32.const 64) "handle: ")                ;; 8
    (data (i32.const 80) "ok\n")                    ;; 3
    (data (i32.const 88) "HTTP-request-denied\n")   ;; 20
    (data (i32.const 112) "error-code ")            ;; 11
    (data (i32.const 128) "/")                      ;; 1
    (data (i32.const 136) "\n")                     ;; 1
    (data (i32.const 256) "127.0.0.1:")             ;; 10

    (func $write (param $ptr i32) (param $len i32)
      (call $blocking-write-and-flush (global.get $stdout) (local.get $ptr) (local.get $len)
        (i32.const 48)))

    (func $write_number (param $n i32)
      (local $p i32)
      (local.set $p (i32.const 48))
      (loop $digit
        (local.set $p (i32.sub (local.get $p) (i32.const 1)))
        (i32.store8 offset=192 (local.get $p)
          (i32.add (i32.const 48) (i32.rem_u (local.get $n) (i32.const 10))))
        (local.set $n (i32.div_u (local.get $n) (i32.const 10)))
        (br_if $digit (local.get $n)))
      (call $write (i32.add (i32.const 192) (local.get $p)) (i32.sub (i32.const 48) (local.get $p))))

    ;; Copies argv[1] after "127.0.0.1:" and returns the authority's length.
    (func $authority (result i32)
      (local $arg i32)
      (local $len i32)
      (call $get-arguments (i32.const 0))
      (if (i32.lt_u (i32.load (i32.const 4)) (i32.const 2)) (then (return (i32.const 10))))
      (local.set $arg (i32.add (i32.load (i32.const 0)) (i32.const 8)))
      (local.set $len (i32.load offset=4 (local.get $arg)))
      (if (i32.gt_u (local.get $len) (i32.const 5)) (then (local.set $len (i32.const 5))))
      (memory.copy (i32.const 266) (i32.load (local.get $arg)) (local.get $len))
      (i32.add (i32.const 10) (local.get $len)))

    (func (export "run") (result i32)
      (local $request i32)
      (local $code i32)
      (global.set $stdout (call $get-stdout))
      (local.set $request (call $new-request (call $new-fields)))
      (drop (call $set-scheme (local.get $request) (i32.const 1) (i32.const 0) (i32.const 0) (i32.const 0)))
      (drop (call $set-authority (local.get $request) (i32.const 1) (i32.const 256) (call $authority)))
      (drop (call $set-path (local.get $request) (i32.const 1) (i32.const 128) (i32.const 1)))
      (call $handle (local.get $request) (i32.const 0) (i32.const 0) (i32.const 0))
      (call $write (i32.const 64) (i32.const 8))
      (if (i32.eqz (i32.load8_u (i32.const 0)))
        (then
          (call $write (i32.const 80) (i32.const 3))
          ;; Wait for the response, or for its failure.
          (call $block (call $subscribe (i32.load (i32.const 8)))))
        (else
          (local.set $code (i32.load8_u (i32.const 8)))
          (if (i32.eq (local.get $code) (i32.const 15))
            (then (call $write (i32.const 88) (i32.const 20)))
            (else
              (call $write (i32.const 112) (i32.const 11))
              (call $write_number (local.get $code))
              (call $write (i32.const 136) (i32.const 1))))))
      (i32.const 0)))
  (core instance $main (instantiate $Main
    (with "alloc" (instance $alloc))
    (with "wasi" (instance $wasi))))

  (func $run (result (result)) (canon lift (core func $main "run")))
  (instance $run-instance (export "run" (func $run)))
  (export "wasi:cli/run@0.2.0" (instance $run-instance)))
