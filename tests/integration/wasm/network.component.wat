;; A WASI 0.2 command that tries the network through wasi:sockets and says on
;; stdout, one line a call, what each call returned ("ok" or its error-code):
;;
;;   create-tcp-socket: ok
;;   start-connect: <result>     TCP to 127.0.0.1:<argv[1]> (a decimal port)
;;   finish-connect: <result>    after blocking on the socket's pollable
;;   udp start-bind: <result>    a UDP socket bound to 127.0.0.1, any port
;;   resolve-addresses: <result> the name "localhost"
;;
;; A call that fails stops its own line of calls (no finish-connect after a
;; failed start-connect); the exit status is ok either way. What a runtime
;; lets it reach of the network shows in those lines and in whether the
;; caller's listener on that port was connected to.
(component
  ;; --- Imported interfaces, typed as wit-component types WASI 0.2.0's. ---
  (import "wasi:io/error@0.2.0" (instance $io-error
    (export "error" (type (sub resource)))))
  (alias export $io-error "error" (type $error))
  (import "wasi:io/poll@0.2.0" (instance $poll
    (export "pollable" (type $pollable (sub resource)))
    (export "[method]pollable.block" (func (param "self" (borrow $pollable))))))
  (alias export $poll "pollable" (type $pollable))
  (import "wasi:io/streams@0.2.0" (instance $streams
    (export "input-stream" (type (sub resource)))
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
  (alias export $streams "input-stream" (type $input-stream))
  (alias export $streams "output-stream" (type $output-stream))
  (import "wasi:cli/environment@0.2.0" (instance $environment
    (export "get-arguments" (func (result (list string))))))
  (import "wasi:cli/stdout@0.2.0" (instance $stdout
    (alias outer 1 $output-stream (type $output-stream-outer))
    (export "output-stream" (type $out (eq $output-stream-outer)))
    (export "get-stdout" (func (result (own $out))))))

  (import "wasi:sockets/network@0.2.0" (instance $network
    (export "network" (type (sub resource)))
    (type $ec (enum "unknown" "access-denied" "not-supported" "invalid-argument"
      "out-of-memory" "timeout" "concurrency-conflict" "not-in-progress" "would-block"
      "invalid-state" "new-socket-limit" "address-not-bindable" "address-in-use"
      "remote-unreachable" "connection-refused" "connection-reset" "connection-aborted"
      "datagram-too-large" "name-unresolvable" "temporary-resolver-failure"
      "permanent-resolver-failure"))
    (export "error-code" (type (eq $ec)))
    (type $af (enum "ipv4" "ipv6"))
    (export "ip-address-family" (type (eq $af)))
    (type $v4 (tuple u8 u8 u8 u8))
    (export "ipv4-address" (type $v4' (eq $v4)))
    (type $v6 (tuple u16 u16 u16 u16 u16 u16 u16 u16))
    (export "ipv6-address" (type $v6' (eq $v6)))
    (type $v4sa (record (field "port" u16) (field "address" $v4')))
    (export "ipv4-socket-address" (type $v4sa' (eq $v4sa)))
    (type $v6sa (record (field "port" u16) (field "flow-info" u32) (field "address" $v6')
      (field "scope-id" u32)))
    (export "ipv6-socket-address" (type $v6sa' (eq $v6sa)))
    (type $sa (variant (case "ipv4" $v4sa') (case "ipv6" $v6sa')))
    (export "ip-socket-address" (type (eq $sa)))))
  (alias export $network "network" (type $net))
  (alias export $network "error-code" (type $error-code))
  (alias export $network "ip-address-family" (type $family))
  (alias export $network "ip-socket-address" (type $address))

  (import "wasi:sockets/instance-network@0.2.0" (instance $instance-network
    (alias outer 1 $net (type $net-outer))
    (export "network" (type $n (eq $net-outer)))
    (export "instance-network" (func (result (own $n))))))

  (import "wasi:sockets/tcp@0.2.0" (instance $tcp
    (alias outer 1 $input-stream (type $in-outer))
    (export "input-stream" (type $in (eq $in-outer)))
    (alias outer 1 $output-stream (type $out-outer))
    (export "output-stream" (type $out (eq $out-outer)))
    (alias outer 1 $pollable (type $pollable-outer))
    (export "pollable" (type $p (eq $pollable-outer)))
    (alias outer 1 $net (type $net-outer))
    (export "network" (type $n (eq $net-outer)))
    (alias outer 1 $error-code (type $ec-outer))
    (export "error-code" (type $ec (eq $ec-outer)))
    (alias outer 1 $address (type $sa-outer))
    (export "ip-socket-address" (type $sa (eq $sa-outer)))
    (export "tcp-socket" (type $socket (sub resource)))
    (export "[method]tcp-socket.start-connect" (func
      (param "self" (borrow $socket)) (param "network" (borrow $n)) (param "remote-address" $sa)
      (result (result (error $ec)))))
    (export "[method]tcp-socket.finish-connect" (func
      (param "self" (borrow $socket))
      (result (result (tuple (own $in) (own $out)) (error $ec)))))
    (export "[method]tcp-socket.subscribe" (func
      (param "self" (borrow $socket)) (result (own $p))))))
  (alias export $tcp "tcp-socket" (type $tcp-socket))
  (import "wasi:sockets/tcp-create-socket@0.2.0" (instance $tcp-create-socket
    (alias outer 1 $error-code (type $ec-outer))
    (export "error-code" (type $ec (eq $ec-outer)))
    (alias outer 1 $family (type $af-outer))
    (export "ip-address-family" (type $af (eq $af-outer)))
    (alias outer 1 $tcp-socket (type $socket-outer))
    (export "tcp-socket" (type $socket (eq $socket-outer)))
    (export "create-tcp-socket" (func (param "address-family" $af)
      (result (result (own $socket) (error $ec)))))))

  (import "wasi:sockets/udp@0.2.0" (instance $udp
    (alias outer 1 $net (type $net-outer))
    (export "network" (type $n (eq $net-outer)))
    (alias outer 1 $error-code (type $ec-outer))
    (export "error-code" (type $ec (eq $ec-outer)))
    (alias outer 1 $address (type $sa-outer))
    (export "ip-socket-address" (type $sa (eq $sa-outer)))
    (export "udp-socket" (type $socket (sub resource)))
    (export "[method]udp-socket.start-bind" (func
      (param "self" (borrow $socket)) (param "network" (borrow $n)) (param "local-address" $sa)
      (result (result (error $ec)))))))
  (alias export $udp "udp-socket" (type $udp-socket))
  (import "wasi:sockets/udp-create-socket@0.2.0" (instance $udp-create-socket
    (alias outer 1 $error-code (type $ec-outer))
    (export "error-code" (type $ec (eq $ec-outer)))
    (alias outer 1 $family (type $af-outer))
    (export "ip-address-family" (type $af (eq $af-outer)))
    (alias outer 1 $udp-socket (type $socket-outer))
    (export "udp-socket" (type $socket (eq $socket-outer)))
    (export "create-udp-socket" (func (param "address-family" $af)
      (result (result (own $socket) (error $ec)))))))

  (import "wasi:sockets/ip-name-lookup@0.2.0" (instance $ip-name-lookup
    (alias outer 1 $net (type $net-outer))
    (export "network" (type $n (eq $net-outer)))
    (alias outer 1 $error-code (type $ec-outer))
    (export "error-code" (type $ec (eq $ec-outer)))
    (export "resolve-address-stream" (type $stream (sub resource)))
    (export "resolve-addresses" (func (param "network" (borrow $n)) (param "name" string)
      (result (result (own $stream) (error $ec)))))))

  ;; --- Memory and allocator, as in examples/wasm/hello.component.wat. ---
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

  ;; --- WASI functions as core functions. ---
  (core func $get-arguments (canon lower (func $environment "get-arguments")
    (memory $memory) (realloc $realloc) string-encoding=utf8))
  (core func $get-stdout (canon lower (func $stdout "get-stdout")))
  (core func $write (canon lower (func $streams "[method]output-stream.blocking-write-and-flush")
    (memory $memory)))
  (core func $block (canon lower (func $poll "[method]pollable.block")))
  (core func $instance-network (canon lower (func $instance-network "instance-network")))
  (core func $create-tcp-socket (canon lower (func $tcp-create-socket "create-tcp-socket")
    (memory $memory)))
  (core func $start-connect (canon lower (func $tcp "[method]tcp-socket.start-connect")
    (memory $memory)))
  (core func $finish-connect (canon lower (func $tcp "[method]tcp-socket.finish-connect")
    (memory $memory)))
  (core func $subscribe (canon lower (func $tcp "[method]tcp-socket.subscribe")))
  (core func $create-udp-socket (canon lower (func $udp-create-socket "create-udp-socket")
    (memory $memory)))
  (core func $start-bind (canon lower (func $udp "[method]udp-socket.start-bind")
    (memory $memory)))
  (core func $resolve-addresses (canon lower (func $ip-name-lookup "resolve-addresses")
    (memory $memory) string-encoding=utf8))
  (core instance $wasi
    (export "get-arguments" (func $get-arguments))
    (export "get-stdout" (func $get-stdout))
    (export "write" (func $write))
    (export "block" (func $block))
    (export "instance-network" (func $instance-network))
    (export "create-tcp-socket" (func $create-tcp-socket))
    (export "start-connect" (func $start-connect))
    (export "finish-connect" (func $finish-connect))
    (export "subscribe" (func $subscribe))
    (export "create-udp-socket" (func $create-udp-socket))
    (export "start-bind" (func $start-bind))
    (export "resolve-addresses" (func $resolve-addresses)))

  ;; --- The program. Memory below 16384 is its own:
  ;;   0..15      result area for WASI calls
  ;;   64..255    constant strings
  ;;   1024..1695 error-code names, 32 bytes each, NUL-padded ---
  (core module $Main
    (import "alloc" "memory" (memory 1))
    (import "wasi" "get-arguments" (func $get-arguments (param i32)))
    (import "wasi" "get-stdout" (func $get-stdout (result i32)))
    (import "wasi" "write" (func $blocking-write-and-flush (param i32 i32 i32 i32)))
    (import "wasi" "block" (func $block (param i32)))
    (import "wasi" "instance-network" (func $instance-network (result i32)))
    ;; create-*-socket(family, retptr): tag at retptr (0 = ok), then the
    ;; socket's handle or the error-code at retptr + 4
    (import "wasi" "create-tcp-socket" (func $create-tcp-socket (param i32 i32)))
    ;; start-connect / start-bind(self, network, address: discriminant and
    ;; eleven payload words (ipv4's five joined with ipv6's eleven), retptr):
    ;; tag at retptr, error-code at retptr + 1
    (import "wasi" "start-connect" (func $start-connect
      (param i32 i32 i32 i32 i32 i32 i32 i32 i32 i32 i32 i32 i32 i32 i32)))
    ;; finish-connect(self, retptr): tag at retptr, error-code at retptr + 4
    (import "wasi" "finish-connect" (func $finish-connect (param i32 i32)))
    (import "wasi" "subscribe" (func $subscribe (param i32) (result i32)))
    (import "wasi" "create-udp-socket" (func $create-udp-socket (param i32 i32)))
    (import "wasi" "start-bind" (func $start-bind
      (param i32 i32 i32 i32 i32 i32 i32 i32 i32 i32 i32 i32 i32 i32 i32)))
    ;; resolve-addresses(network, name ptr, name len, retptr): as create-*
    (import "wasi" "resolve-addresses" (func $resolve-addresses (param i32 i32 i32 i32)))

    (global $stdout (mut i32) (i32.const 0))
    (data (i32.const 64) "create-tcp-socket: ")   ;; 19
    (data (i32.const 88) "start-connect: ")       ;; 15
    (data (i32.const 104) "finish-connect: ")     ;; 16
    (data (i32.const 120) "udp start-bind: ")     ;; 16
    (data (i32.const 136) "resolve-addresses: ")  ;; 19
    (data (i32.const 160) "ok\n")                 ;; 3
    (data (i32.const 164) "\n")                   ;; 1
    (data (i32.const 168) "localhost")            ;; 9
    (data (i32.const 1024) "unknown")
    (data (i32.const 1056) "access-denied")
    (data (i32.const 1088) "not-supported")
    (data (i32.const 1120) "invalid-argument")
    (data (i32.const 1152) "out-of-memory")
    (data (i32.const 1184) "timeout")
    (data (i32.const 1216) "concurrency-conflict")
    (data (i32.const 1248) "not-in-progress")
    (data (i32.const 1280) "would-block")
    (data (i32.const 1312) "invalid-state")
    (data (i32.const 1344) "new-socket-limit")
    (data (i32.const 1376) "address-not-bindable")
    (data (i32.const 1408) "address-in-use")
    (data (i32.const 1440) "remote-unreachable")
    (data (i32.const 1472) "connection-refused")
    (data (i32.const 1504) "connection-reset")
    (data (i32.const 1536) "connection-aborted")
    (data (i32.const 1568) "datagram-too-large")
    (data (i32.const 1600) "name-unresolvable")
    (data (i32.const 1632) "temporary-resolver-failure")
    (data (i32.const 1664) "permanent-resolver-failure")

    (func $write (param $ptr i32) (param $len i32)
      (call $blocking-write-and-flush (global.get $stdout) (local.get $ptr) (local.get $len)
        (i32.const 8)))

    ;; Writes "ok" when the result's tag at 0 is ok, else the name of the
    ;; error-code at `at`, then a newline; returns whether it was ok.
    (func $report (param $label i32) (param $label-len i32) (param $at i32) (result i32)
      (local $name i32)
      (local $len i32)
      (call $write (local.get $label) (local.get $label-len))
      (if (i32.eqz (i32.load8_u (i32.const 0)))
        (then (call $write (i32.const 160) (i32.const 3)) (return (i32.const 1))))
      (local.set $name (i32.add (i32.const 1024)
        (i32.shl (i32.load8_u (local.get $at)) (i32.const 5))))
      (block $end
        (loop $more
          (br_if $end (i32.eqz (i32.load8_u (i32.add (local.get $name) (local.get $len)))))
          (local.set $len (i32.add (local.get $len) (i32.const 1)))
          (br_if $more (i32.lt_u (local.get $len) (i32.const 32)))))
      (call $write (local.get $name) (local.get $len))
      (call $write (i32.const 164) (i32.const 1))
      (i32.const 0))

    (func $port (result i32)
      (local $arg i32)
      (local $p i32)
      (local $end i32)
      (local $n i32)
      (call $get-arguments (i32.const 0))
      (if (i32.lt_u (i32.load (i32.const 4)) (i32.const 2)) (then (return (i32.const 0))))
      (local.set $arg (i32.add (i32.load (i32.const 0)) (i32.const 8)))
      (local.set $p (i32.load (local.get $arg)))
      (local.set $end (i32.add (local.get $p) (i32.load offset=4 (local.get $arg))))
      (block $done
        (loop $digit
          (br_if $done (i32.ge_u (local.get $p) (local.get $end)))
          (local.set $n (i32.add (i32.mul (local.get $n) (i32.const 10))
            (i32.sub (i32.load8_u (local.get $p)) (i32.const 48))))
          (local.set $p (i32.add (local.get $p) (i32.const 1)))
          (br $digit)))
      (local.get $n))

    (func (export "run") (result i32)
      (local $net i32)
      (local $socket i32)
      (local $port i32)
      (global.set $stdout (call $get-stdout))
      (local.set $port (call $port))
      (local.set $net (call $instance-network))

      ;; TCP: create, connect to 127.0.0.1:port, wait, finish.
      (call $create-tcp-socket (i32.const 0) (i32.const 0))   ;; family ipv4
      (if (call $report (i32.const 64) (i32.const 19) (i32.const 4))
        (then
          (local.set $socket (i32.load (i32.const 4)))
          (call $start-connect (local.get $socket) (local.get $net)
            (i32.const 0) (local.get $port) (i32.const 127) (i32.const 0) (i32.const 0) (i32.const 1)
            (i32.const 0) (i32.const 0) (i32.const 0) (i32.const 0) (i32.const 0) (i32.const 0)
            (i32.const 0))
          (if (call $report (i32.const 88) (i32.const 15) (i32.const 1))
            (then
              (call $block (call $subscribe (local.get $socket)))
              (call $finish-connect (local.get $socket) (i32.const 0))
              (drop (call $report (i32.const 104) (i32.const 16) (i32.const 4)))))))

      ;; UDP: create, bind to 127.0.0.1 on any port (a failed create is
      ;; reported on the same line, its error-code at 4).
      (call $create-udp-socket (i32.const 0) (i32.const 0))
      (if (i32.load8_u (i32.const 0))
        (then (drop (call $report (i32.const 120) (i32.const 16) (i32.const 4))))
        (else
          (call $start-bind (i32.load (i32.const 4)) (local.get $net)
            (i32.const 0) (i32.const 0) (i32.const 127) (i32.const 0) (i32.const 0) (i32.const 1)
            (i32.const 0) (i32.const 0) (i32.const 0) (i32.const 0) (i32.const 0) (i32.const 0)
            (i32.const 0))
          (drop (call $report (i32.const 120) (i32.const 16) (i32.const 1)))))

      ;; DNS: the name "localhost".
      (call $resolve-addresses (local.get $net) (i32.const 168) (i32.const 9) (i32.const 0))
      (drop (call $report (i32.const 136) (i32.const 19) (i32.const 4)))
      (i32.const 0)))                                  ;; ok
  (core instance $main (instantiate $Main
    (with "alloc" (instance $alloc))
    (with "wasi" (instance $wasi))))

  (func $run (result (result)) (canon lift (core func $main "run")))
  (instance $run-instance (export "run" (func $run)))
  (export "wasi:cli/run@0.2.0" (instance $run-instance)))
