// The .NET sample: a C# console program compiled by mcs, run by Mono.
//
//   hello from clr
//   arg<i>=[<args[i]>]     one line per argument (.NET has no argv[0] here)
//   then, if args[0] is "-", stdin copied to stdout until EOF
//   exit status 10 + number of arguments
//
// Console.Out would re-encode text with the locale's charset (ASCII under
// LANG=C), so lines go out as UTF-8 bytes on the raw stdout stream instead.
using System;
using System.IO;
using System.Text;

static class Hello
{
    static int Main(string[] args)
    {
        using (Stream stdout = Console.OpenStandardOutput())
        {
            var utf8 = new UTF8Encoding(false);
            var text = new StringBuilder("hello from clr\n");
            for (int i = 0; i < args.Length; i++)
                text.Append("arg").Append(i + 1).Append("=[").Append(args[i]).Append("]\n");
            byte[] bytes = utf8.GetBytes(text.ToString());
            stdout.Write(bytes, 0, bytes.Length);

            if (args.Length >= 1 && args[0] == "-")
            {
                using (Stream stdin = Console.OpenStandardInput())
                    stdin.CopyTo(stdout);
            }
            stdout.Flush();
        }
        return 10 + args.Length;
    }
}
