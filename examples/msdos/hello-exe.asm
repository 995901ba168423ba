; HELLOEXE.EXE: a real MZ executable, header written by hand. The image has a
; code segment and a data segment (data, then bss and stack); the code loads
; DS with the data segment's paragraph number, which DOS fixes up at load time
; through the one entry of the relocation table.
;   nasm -f bin -o HELLOEXE.EXE hello-exe.asm

        bits    16
        cpu     8086

        section header  start=0
        section .text   follows=header align=16 vstart=0
        section .data   follows=.text align=16 vstart=0
        section .bss    nobits vfollows=.data valign=16

; Sizes are differences of labels in one section (nasm computes nothing else
; across sections). Paragraph numbers are relative to the load image.
HEADER_SIZE     equ     header_end - mz
CODE_PARA       equ     0
DATA_PARA       equ     (text_end - text_begin + 15) / 16
FILE_SIZE       equ     HEADER_SIZE + DATA_PARA * 16 + (data_end - data_begin)

        section header
mz:     db      'MZ'                    ; e_magic
        dw      FILE_SIZE % 512         ; e_cblp: bytes in the last 512-byte page
        dw      (FILE_SIZE + 511) / 512 ; e_cp: 512-byte pages in the file
        dw      1                       ; e_crlc: relocation entries
        dw      HEADER_SIZE / 16        ; e_cparhdr: header size in paragraphs
        dw      (stack_top - bss_begin + 15) / 16 + 1 ; e_minalloc: bss, stack
        dw      0FFFFh                  ; e_maxalloc
        dw      DATA_PARA               ; e_ss (DOS adds the load segment)
        dw      stack_top               ; e_sp
        dw      0                       ; e_csum
        dw      start                   ; e_ip
        dw      CODE_PARA               ; e_cs (DOS adds the load segment)
        dw      relocs - mz             ; e_lfarlc: relocation table offset
        dw      0                       ; e_ovno
relocs: dw      data_seg_fixup, CODE_PARA ; offset:segment of a word to relocate
        align   16, db 0
header_end:

        section .data
data_begin:
        section .bss
bss_begin:

        section .text
text_begin:
start:  ; DOS enters with DS = ES = the PSP.
        mov     ax, DATA_PARA           ; DOS adds the load segment to this word
data_seg_fixup  equ     $ - 2
        mov     ds, ax
        jmp     main

%include "hello.inc"

        section .text
text_end:
        section .data
data_end:
        section .bss
                resb    512
stack_top:
