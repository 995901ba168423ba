; _start and the two system calls hello.c needs, for i386 without a C library
; (a 64-bit Debian has no 32-bit libc unless multiarch is set up): the host
; runs the result natively, which is what this sample is there to check.

        bits    32
        global  _start, read, write
        extern  main

        section .text
_start:
        mov     eax, [esp]              ; argc (the kernel leaves it on top)
        lea     ecx, [esp + 4]          ; argv
        and     esp, -16                ; gcc expects 16-byte alignment at calls
        sub     esp, 8
        push    ecx
        push    eax
        call    main
        mov     ebx, eax                ; main's result is the exit status
        mov     eax, 252                ; exit_group
        int     0x80

; ssize_t read/write(int fd, void *buf, size_t len), cdecl. The kernel already
; returns -errno on failure. ebx is callee-saved, so keep it.
read:
        mov     eax, 3
        jmp     syscall3
write:
        mov     eax, 4
syscall3:
        push    ebx
        mov     ebx, [esp + 8]
        mov     ecx, [esp + 12]
        mov     edx, [esp + 16]
        int     0x80
        pop     ebx
        ret

        section .note.GNU-stack noalloc noexec nowrite progbits
