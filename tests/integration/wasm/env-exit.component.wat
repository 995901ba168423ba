;; A WASI 0.2 command that exits with error when it was given an environment
;; variable or an argument, and with ok otherwise: what a runtime passes it
;; shows in its exit status alone.
(component
  (import "wasi:cli/environment@0.2.0" (instance $environment
    (export "get-environment" (func (result (list (tuple string string)))))
    (export "get-arguments" (func (result (list string))))))
  (import "wasi:cli/exit@0.2.0" (instance $exit
    (export "exit" (func (param "status" (result))))))

  (core module $Alloc
    (memory (export "memory") 1)
    (global $heap (mut i32) (i32.const 1024))
    (func (export "realloc")
      (param $old i32) (param $old-size i32) (param $align i32) (param $size i32)
      (result i32)
      (local $p i32)
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

  (core func $get-environment (canon lower (func $environment "get-environment")
    (memory $memory) (realloc $realloc) string-encoding=utf8))
  (core func $get-arguments (canon lower (func $environment "get-arguments")
    (memory $memory) (realloc $realloc) string-encoding=utf8))
  (core func $exit (canon lower (func $exit "exit")))
  (core instance $wasi
    (export "get-environment" (func $get-environment))
    (export "get-arguments" (func $get-arguments))
    (export "exit" (func $exit)))

  (core module $Main
    (import "alloc" "memory" (memory 1))
    (import "wasi" "get-environment" (func $get-environment (param i32)))
    (import "wasi" "get-arguments" (func $get-arguments (param i32)))
    (import "wasi" "exit" (func $exit (param i32)))
    (func (export "run") (result i32)
      (call $get-environment (i32.const 0))   ;; (ptr, count) at 0
      (call $get-arguments (i32.const 8))     ;; (ptr, count) at 8
      (call $exit (i32.or
        (i32.ne (i32.load (i32.const 4)) (i32.const 0))
        (i32.gt_u (i32.load (i32.const 12)) (i32.const 1))))
      (i32.const 0)))
  (core instance $main (instantiate $Main
    (with "alloc" (instance $alloc))
    (with "wasi" (instance $wasi))))

  (func $run (result (result)) (canon lift (core func $main "run")))
  (instance $run-instance (export "run" (func $run)))
  (export "wasi:cli/run@0.2.0" (instance $run-instance)))
