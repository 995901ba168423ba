; HELLO.COM: a flat .COM image. DOS loads it at offset 100h of one segment,
; right after the PSP, with CS = DS = ES = SS: just what main expects.
;   nasm -f bin -o HELLO.COM hello-com.asm

        bits    16
        cpu     8086
        org     100h

%include "hello.inc"
