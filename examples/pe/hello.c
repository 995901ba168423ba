/* The PE sample: a Windows console program, built as PE32 (i686) and PE32+
 * (x86_64) by MinGW-w64. Same output as the ELF sample:
 *
 *   hello from <format>        format from -DHELLO_FORMAT, e.g. "pe:x86_64"
 *   argv0=<argv[0]>
 *   arg<i>=[<argv[i]>]         one line per argument
 *   then, if argv[1] is "-", stdin copied to stdout until EOF
 *   exit status 10 + number of arguments
 *
 * Windows hands a program its arguments in UTF-16 (wmain, -municode); we print
 * them as UTF-8 and use the raw handles, so neither the ANSI code page nor the
 * C runtime's text mode (LF -> CRLF, ^Z as end of file) changes any byte. */
#include <windows.h>

#ifndef HELLO_FORMAT
#define HELLO_FORMAT "pe"
#endif

static HANDLE out;

static void put(const char *data, DWORD len)
{
    DWORD done;
    while (len > 0 && WriteFile(out, data, len, &done, NULL) && done > 0) {
        data += done;
        len -= done;
    }
}

static void puts_raw(const char *s) { put(s, lstrlenA(s)); }

static void put_wide(const wchar_t *s)
{
    int len = WideCharToMultiByte(CP_UTF8, 0, s, -1, NULL, 0, NULL, NULL);
    if (len <= 1)
        return;
    char *utf8 = HeapAlloc(GetProcessHeap(), 0, (SIZE_T)len);
    if (!utf8)
        return;
    WideCharToMultiByte(CP_UTF8, 0, s, -1, utf8, len, NULL, NULL);
    put(utf8, (DWORD)len - 1);
    HeapFree(GetProcessHeap(), 0, utf8);
}

int wmain(int argc, wchar_t **argv)
{
    int nargs = argc > 0 ? argc - 1 : 0;
    out = GetStdHandle(STD_OUTPUT_HANDLE);

    puts_raw("hello from " HELLO_FORMAT "\n");
    puts_raw("argv0=");
    if (argc > 0)
        put_wide(argv[0]);
    puts_raw("\n");
    for (int i = 1; i <= nargs; i++) {
        char digits[12], *d = digits + sizeof digits;
        unsigned n = (unsigned)i;
        do
            *--d = (char)('0' + n % 10);
        while ((n /= 10) > 0);
        puts_raw("arg");
        put(d, (DWORD)(digits + sizeof digits - d));
        puts_raw("=[");
        put_wide(argv[i]);
        puts_raw("]\n");
    }

    if (nargs >= 1 && lstrcmpW(argv[1], L"-") == 0) {
        HANDLE in = GetStdHandle(STD_INPUT_HANDLE);
        static char buf[4096];
        DWORD n;
        /* A closed pipe reads as failure, a file's end as 0 bytes. */
        while (ReadFile(in, buf, sizeof buf, &n, NULL) && n > 0)
            put(buf, n);
    }
    return 10 + nargs;
}
