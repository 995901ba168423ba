// bench-bare: a static program without a C library that exits at once. Set
// beside bench-noop (the same, through glibc's start-up) it shows what a C
// library's start-up costs per exec on this machine (bench/exec-profile).
#if defined(__x86_64__)
__asm__(".globl _start\n_start:\n mov $60, %eax\n xor %edi, %edi\n syscall\n");
#elif defined(__aarch64__)
__asm__(".globl _start\n_start:\n mov x8, #93\n mov x0, #0\n svc #0\n");
#else
#error "bench-bare: x86_64 and aarch64 only"
#endif
