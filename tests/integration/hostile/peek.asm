; peek: a hostile MS-DOS program for the confinement tests
; (tests/integration/confine_test.cc). It prints the first bytes of
; SECRET.TXT in its own directory (drive C: under DOSBox) and exits 0, or
; says it cannot and exits 1. The test makes SECRET.TXT a symbolic link to
; a file outside the program's directory, which DOSBox would follow.
; Built with nasm -f bin, like examples/msdos.
        org 100h
        mov ah, 3Dh             ; open, read-only
        mov al, 0
        mov dx, name
        int 21h
        jc fail
        mov bx, ax
        mov ah, 3Fh             ; read up to 200 bytes
        mov cx, 200
        mov dx, buf
        int 21h
        jc fail
        mov cx, ax
        mov ah, 40h             ; write them to standard output
        mov bx, 1
        mov dx, buf
        int 21h
        mov ax, 4C00h
        int 21h
fail:   mov ah, 09h
        mov dx, msg
        int 21h
        mov ax, 4C01h
        int 21h
name    db 'SECRET.TXT', 0
msg     db 'cannot read SECRET.TXT', 10, '$'   ; LF alone, as examples/msdos prints
buf     times 200 db 0
