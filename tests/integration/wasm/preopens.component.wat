;; A WASI 0.2 command that exits with ok when exactly one directory is
;; preopened for it and its name is ".", and with error otherwise: what a
;; runtime lets it see of the file system shows in its exit status alone.
(component
  (import "wasi:filesystem/types@0.2.0" (instance $types
    (export "descriptor" (type (sub resource)))))
  (alias export $types "descriptor" (type $descriptor))
  (import "wasi:filesystem/preopens@0.2.0" (instance $preopens
    (alias outer 1 $descriptor (type $d))
    (export "descriptor" (type $d' (eq $d)))
    (export "get-directories" (func (result (list (tuple (own $d') string)))))))
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
      (local.get $p)))
  (core instance $alloc (instantiate $Alloc))
  (alias core export $alloc "memory" (core memory $memory))
  (alias core export $alloc "realloc" (core func $realloc))

  (core func $get-directories (canon lower (func $preopens "get-directories")
    (memory $memory) (realloc $realloc) string-encoding=utf8))
  (core func $exit (canon lower (func $exit "exit")))
  (core instance $wasi
    (export "get-directories" (func $get-directories))
    (export "exit" (func $exit)))

  (core module $Main
    (import "alloc" "memory" (memory 1))
    (import "wasi" "get-directories" (func $get-directories (param i32)))
    (import "wasi" "exit" (func $exit (param i32)))
    (func (export "run") (result i32)
      (local $list i32)
      (call $get-directories (i32.const 0))   ;; (ptr, count) at 0
      (local.set $list (i32.load (i32.const 0)))
      ;; each element: handle (i32), name ptr (i32), name len (i32)
      (call $exit (i32.eqz (i32.and
        (i32.eq (i32.load (i32.const 4)) (i32.const 1))
        (i32.and
          (i32.eq (i32.load offset=8 (local.get $list)) (i32.const 1))
          (i32.eq (i32.load8_u (i32.load offset=4 (local.get $list))) (i32.const 46))))))
      (i32.const 0)))
  (core instance $main (instantiate $Main
    (with "alloc" (instance $alloc))
    (with "wasi" (instance $wasi))))

  (func $run (result (result)) (canon lift (core func $main "run")))
  (instance $run-instance (export "run" (func $run)))
  (export "wasi:cli/run@0.2.0" (instance $run-instance)))
