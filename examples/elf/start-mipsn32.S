/* _start and the two system calls hello.c needs, for MIPS n32 without a C
 * library (Debian ships no n32 libc by default). Built with -mabi=n32, so
 * <asm/unistd.h> gives the n32 numbers (6000 + n). */
#include <asm/unistd.h>

        .text
        .set    noreorder               /* we fill the branch delay slots */

        .globl  __start
        .globl  _start
        .type   _start, @function
__start:
_start:
        /* The kernel leaves argc at 0($sp), then 32-bit argv pointers. */
        lui     $gp, %hi(_gp)           /* small data is addressed off $gp */
        addiu   $gp, $gp, %lo(_gp)
        lw      $a0, 0($sp)             /* argc */
        addiu   $a1, $sp, 4             /* argv */
        li      $t0, -16
        and     $sp, $sp, $t0           /* the ABI wants 16-byte alignment */
        jal     main
        nop
        move    $a0, $v0                /* main's result is the exit status */
        li      $v0, __NR_exit_group
        syscall
        .size   _start, .-_start

/* ssize_t read/write(int fd, void *buf, size_t len): -errno on failure.
 * The kernel flags an error in $a3 and returns a positive errno in $v0. */
        .globl  read
        .type   read, @function
read:
        li      $v0, __NR_read
        syscall
        bnez    $a3, 1f
        nop
        jr      $ra
        nop
1:      jr      $ra
        subu    $v0, $zero, $v0
        .size   read, .-read

        .globl  write
        .type   write, @function
write:
        li      $v0, __NR_write
        syscall
        bnez    $a3, 1f
        nop
        jr      $ra
        nop
1:      jr      $ra
        subu    $v0, $zero, $v0
        .size   write, .-write

        .section .note.GNU-stack, "", @progbits
