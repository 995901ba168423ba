// The Java sample, run as a class (java -cp DIR com.example.Hello) or from
// hello.jar (java -jar hello.jar); it says which:
//
//   hello from java-class | hello from jar
//   arg<i>=[<args[i]>]     one line per argument (Java has no argv[0])
//   then, if args[0] is "-", stdin copied to stdout until EOF
//   exit status 10 + number of arguments
package com.example;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.Charset;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

public final class Hello {
    public static void main(String[] args) throws IOException {
        boolean fromJar = "jar".equals(Hello.class.getResource("Hello.class").getProtocol());
        OutputStream out = System.out;
        out.write(("hello from " + (fromJar ? "jar" : "java-class") + "\n").getBytes());
        byte[][] raw = rawArgs(args);
        for (int i = 0; i < args.length; i++) {
            out.write(("arg" + (i + 1) + "=[").getBytes());
            out.write(raw[i]);
            out.write("]\n".getBytes());
        }
        if (args.length >= 1 && args[0].equals("-")) {
            System.in.transferTo(out);
        }
        out.flush();
        System.exit(10 + args.length);
    }

    // Java decodes argv with the locale's charset, which under LANG=C turns
    // every non-ASCII byte into '?'. The java launcher puts the program's
    // arguments last on its command line, unexpanded, so the bytes as received
    // are the last args.length entries of /proc/self/cmdline. Use them where
    // they decode to what Java gave us; otherwise re-encode Java's strings.
    private static byte[][] rawArgs(String[] args) {
        Charset charset = Charset.defaultCharset();
        try {
            charset = Charset.forName(System.getProperty("sun.jnu.encoding"));
        } catch (RuntimeException e) {
            // keep the default charset
        }
        List<byte[]> cmdline = new ArrayList<>();
        try {
            byte[] all = Files.readAllBytes(Path.of("/proc/self/cmdline"));
            for (int start = 0, i = 0; i < all.length; i++) {
                if (all[i] == 0) {
                    cmdline.add(Arrays.copyOfRange(all, start, i));
                    start = i + 1;
                }
            }
        } catch (IOException | RuntimeException e) {
            cmdline.clear();
        }
        byte[][] raw = new byte[args.length][];
        int offset = cmdline.size() - args.length;
        for (int i = 0; i < args.length; i++) {
            byte[] candidate = offset >= 0 ? cmdline.get(offset + i) : null;
            raw[i] = candidate != null && sameArgument(candidate, args[i], charset)
                    ? candidate : args[i].getBytes(charset);
        }
        return raw;
    }

    private static boolean sameArgument(byte[] raw, String arg, Charset charset) {
        String decoded = new String(raw, charset);
        return decoded.equals(arg) || decoded.replace('\uFFFD', '?').equals(arg);
    }
}
