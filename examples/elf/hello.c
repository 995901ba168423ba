/* The ELF sample: one C source for every Linux architecture we build.
 *
 *   hello from <format>        format from -DHELLO_FORMAT, e.g. "elf:aarch64"
 *   argv0=<argv[0]>
 *   arg<i>=[<argv[i]>]         one line per argument, bytes as received
 *   then, if argv[1] is "-", stdin copied to stdout until EOF
 *   exit status 10 + number of arguments
 *
 * It talks to the kernel through read() and write() only, so the same file
 * also builds without a C library (-DHELLO_NOLIBC): start-<arch> supplies
 * _start and those two system calls for targets that have no libc here. */
#include <stddef.h>

#ifndef HELLO_FORMAT
#define HELLO_FORMAT "elf"
#endif

#ifdef HELLO_NOLIBC
/* Raw system calls from start-<arch>: they return -errno on failure. */
typedef long ssize_t;
ssize_t read(int fd, void *buf, size_t len);
ssize_t write(int fd, const void *buf, size_t len);
#else
#include <unistd.h>
#endif

static size_t length(const char *s)
{
    size_t n = 0;
    while (s[n])
        n++;
    return n;
}

/* write() may take less than asked for (pipes, signals): loop. */
static int put(const void *data, size_t len)
{
    const char *p = data;
    while (len > 0) {
        ssize_t n = write(1, p, len);
        if (n <= 0)
            return -1;
        p += n;
        len -= (size_t)n;
    }
    return 0;
}

static void puts_raw(const char *s) { put(s, length(s)); }

static void put_number(unsigned n)
{
    char digits[12];
    size_t i = sizeof digits;
    do {
        digits[--i] = (char)('0' + n % 10);
        n /= 10;
    } while (n > 0);
    put(digits + i, sizeof digits - i);
}

int main(int argc, char **argv)
{
    int nargs = argc > 0 ? argc - 1 : 0;

    puts_raw("hello from " HELLO_FORMAT "\n");
    puts_raw("argv0=");
    puts_raw(argc > 0 ? argv[0] : "");
    puts_raw("\n");
    for (int i = 1; i <= nargs; i++) {
        puts_raw("arg");
        put_number((unsigned)i);
        puts_raw("=[");
        puts_raw(argv[i]);
        puts_raw("]\n");
    }

    if (nargs >= 1 && argv[1][0] == '-' && argv[1][1] == '\0') {
        static char buf[4096];
        ssize_t n;
        while ((n = read(0, buf, sizeof buf)) > 0)
            if (put(buf, (size_t)n) != 0)
                break;
    }
    return 10 + nargs;
}
