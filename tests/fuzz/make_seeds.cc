// Writes the fuzzers' seed corpora, built from the same byte builders as the
// unit tests and from the protocol's own encoder (so no opaque blobs live in
// the repository), plus registry text read from the source tree: the
// default registry, each of its formats alone, the examples in
// docs/registry.md, and malformed variants. Usage: make_seeds OUTDIR SOURCE_DIR
#include <sys/resource.h>

#include <filesystem>
#include <fstream>
#include <iterator>
#include <map>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "scarlet/protocol.h"
#include "support/builders.h"

namespace fs = std::filesystem;
using namespace scarlet::test;

namespace {

// Path selector bytes, matching kPaths and kInlinePath in module_fuzz.cc.
constexpr char kProg = 0, kCom = 1, kClassPath = 2, kBareClass = 3, kLua = 4, kJar = 5;
constexpr char kInlinePath = '\x80';

void write(const fs::path& dir, const std::string& name, const std::string& bytes) {
  fs::create_directories(dir);
  std::ofstream(dir / name, std::ios::binary) << bytes;
}

std::string read(const fs::path& file) {
  std::ifstream in(file, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), {}};
}

// A seed whose file name travels in the input (module_fuzz.cc's kInlinePath).
std::string named(const std::string& path, const std::string& bytes) {
  return std::string(1, kInlinePath) + path + std::string(1, '\0') + bytes;
}

// Big-endian fields, as Java class files have them.
struct BigEndian {
  std::string out;
  void u8(unsigned v) { out += static_cast<char>(v & 0xff); }
  void u16(unsigned v) { u8(v >> 8), u8(v); }
  void u32(std::uint32_t v) { u16(v >> 16), u16(v & 0xffff); }
  void utf8(const std::string& s) { u8(1), u16(static_cast<unsigned>(s.size())), out += s; }
};

struct JavaMethod {
  unsigned flags;
  std::string name, descriptor;
};

// A class file with a constant pool holding every tag the module has to
// step over (build_class has only a few), an interface, a field and the
// given methods, each with a Code attribute. `access` 0x8000 makes it a
// module descriptor (module-info.class), which also has Module and Package
// entries.
std::string java_class(const std::string& name, unsigned access, const std::vector<JavaMethod>& methods,
                       unsigned major = 65) {
  BigEndian pool;
  unsigned next = 1;
  auto utf8 = [&](const std::string& s) { return pool.utf8(s), next++; };
  auto ref = [&](unsigned tag, unsigned index) { return pool.u8(tag), pool.u16(index), next++; };
  auto pair = [&](unsigned tag, unsigned a, unsigned b) { return pool.u8(tag), pool.u16(a), pool.u16(b), next++; };
  const unsigned this_name = utf8(name), this_class = ref(7, this_name);
  const unsigned object = ref(7, utf8("java/lang/Object")), runnable = ref(7, utf8("java/lang/Runnable"));
  const unsigned code = utf8("Code"), source = utf8("SourceFile"), file = utf8("Hello.java");
  pool.u8(3), pool.u32(42), ++next;                          // Integer
  pool.u8(4), pool.u32(0x3f800000), ++next;                  // Float
  pool.u8(5), pool.u32(0), pool.u32(7), next += 2;           // Long: two slots
  pool.u8(6), pool.u32(0x3ff00000), pool.u32(0), next += 2;  // Double: two slots
  ref(8, file);                                              // String
  const unsigned run = utf8("run"), void_type = utf8("()V");
  const unsigned nat = pair(12, run, void_type);      // NameAndType
  pair(9, this_class, nat);                           // Fieldref
  const unsigned method = pair(10, this_class, nat);  // Methodref
  pair(11, runnable, nat);                            // InterfaceMethodref
  pool.u8(15), pool.u8(6), pool.u16(method), ++next;  // MethodHandle (REF_invokeStatic)
  ref(16, void_type);                                 // MethodType
  pair(17, 0, nat), pair(18, 0, nat);                 // Dynamic, InvokeDynamic
  const unsigned field = utf8("count"), int_type = utf8("I");
  if (access & 0x8000) ref(19, utf8("com.example")), ref(20, utf8("com/example"));  // Module, Package
  std::vector<std::pair<unsigned, unsigned>> method_refs;
  for (const auto& m : methods) method_refs.push_back({utf8(m.name), utf8(m.descriptor)});

  BigEndian c;
  c.u32(0xcafebabe);
  c.u16(0), c.u16(major);
  c.u16(next);
  c.out += pool.out;
  c.u16(access);
  c.u16(this_class);
  c.u16(access & 0x8000 ? 0 : object);
  c.u16(1), c.u16(runnable);                                         // interfaces
  c.u16(1), c.u16(0x0002), c.u16(field), c.u16(int_type), c.u16(0);  // one field, no attributes
  c.u16(static_cast<unsigned>(methods.size()));
  for (std::size_t i = 0; i < methods.size(); ++i) {
    c.u16(methods[i].flags), c.u16(method_refs[i].first), c.u16(method_refs[i].second);
    c.u16(1), c.u16(code), c.u32(13);  // Code: stack, locals, one "return", no handlers or attributes
    c.u16(1), c.u16(1), c.u32(1), c.u8(0xb1), c.u16(0), c.u16(0);
  }
  c.u16(1), c.u16(source), c.u32(2), c.u16(file);  // SourceFile
  return c.out;
}

// build_class's main descriptor swapped for Java 21's "void main()".
std::string with_plain_main(std::string cls) {
  const std::string from = std::string("\0\x16", 2) + "([Ljava/lang/String;)V";
  return cls.replace(cls.find(from), from.size(), std::string("\0\x03", 2) + "()V");
}

void module_seeds(const fs::path& out) {
  std::map<std::string, std::vector<std::string>> seeds;
  auto add = [&](const std::string& module, char path, const std::string& bytes) {
    seeds[module].push_back(std::string(1, path) + bytes);
  };
  ElfSpec dyn;
  dyn.type = 3;
  dyn.interp = "/lib/ld-linux-aarch64.so.1";
  ElfSpec mips;
  mips.machine = 8;
  mips.elf_class = 1;
  mips.data = 2;
  mips.flags = 0x20;
  ElfSpec netbsd;
  netbsd.note = elf_note("NetBSD", 1, u32_bytes(1, false), false);
  for (const auto& s : {ElfSpec{}, dyn, mips, netbsd}) add("elf", kProg, build_elf(s));
  PeSpec clr;
  clr.clr = true;
  PeSpec core = clr;
  core.target_framework = ".NETCoreApp,Version=v8.0";
  core.characteristics = 0x2022;
  for (const auto& s : {PeSpec{}, PeSpec{0x14c, false}, clr, core}) {
    add("pe", kProg, build_pe(s));
    add("msdos", kProg, build_pe(s));
  }
  add("msdos", kProg, build_mz({}));
  add("msdos", kCom, "\xb4\x4c\xcd\x21");
  add("wasm", kProg, std::string("\0asm\x01\0\0\0\x01\x04\x01\x60\x00\x00", 14));
  add("wasm", kProg, std::string("\0asm\x0d\0\x01\0", 8));
  add("pyc", kProg, std::string("\xa7\x0d\x0d\x0a\0\0\0\0\0\0\0\0\0\0\0\0\xe3", 17));  // 3.11, by timestamp
  add("pyc", kProg, std::string("\xcb\x0d\x0d\x0a\x03\0\0\0", 8));                 // 3.12, header only
  add("pyc", kProg, std::string("\x03\xf3\x0d\x0a\0\0\0\0\x63", 9));              // 2.7
  add("macho", kProg,
      u32_bytes(0xcafebabe, true) + u32_bytes(1, true) + u32_bytes(0x01000007, true) + std::string(16, '\0'));
  add("macho", kProg, build_class({}));

  // Java classes: with and without a launchable main, module descriptors,
  // versions at and past the module's bounds, and paths that do and do not
  // fit the package.
  ClassSpec no_main, instance_main, old, future, bare;
  no_main.main = false;
  instance_main.static_main = false;
  old.major = 45, old.minor = 3;
  future.major = 101;
  bare.name = "Hello";
  add("java_class", kClassPath, build_class({}));
  add("java_class", kClassPath, build_class(no_main));
  add("java_class", kClassPath, build_class(instance_main));
  add("java_class", kClassPath, with_plain_main(build_class({})));
  add("java_class", kClassPath, build_class(old));
  add("java_class", kClassPath, build_class(future));
  add("java_class", kBareClass, build_class(bare));
  add("java_class", kProg, build_class({}));  // not stored as .../Hello.class
  const std::vector<JavaMethod> mains = {{0x0001, "<init>", "()V"}, {0x0009, "main", "([Ljava/lang/String;)V"}};
  add("java_class", kClassPath, java_class("com/example/Hello", 0x0021, mains));
  add("java_class", kClassPath,
      java_class("com/example/Hello", 0x0021, {{0x0001, "run", "()V"}, {0x0001, "main", "()V"}}));
  add("java_class", kClassPath, java_class("com/example/Hello", 0x0021, {{0x0009, "main", "(I)V"}}));
  add("java_class", kProg, java_class("module-info", 0x8000, {}, 53));
  for (const char* path : {"./Hello.class", "/srv/app/com/example/Hello.class", "example/Hello.class",
                           "../example/./Hello.class", "com/example/Other.class", "/Hello.class"})
    seeds["java_class"].push_back(named(path, build_class({})));

  // Jars: manifests as real tools write them (CRLF, 72-byte lines continued
  // with a space) and as people do (LF or CR alone, other case, a space
  // before the colon, Main-Class only in an entry's section or nowhere).
  const std::string cls = build_class({"a/B"});
  for (const std::string manifest : {
           "Manifest-Version: 1.0\r\nMain-Class: a.B\r\n",
           "Manifest-Version: 1.0\r\nCreated-By: 17.0.2 (Debian)\r\nMain-Class: com.example.with.a.very.long.pac\r\n "
           "kage.name.that.Wraps\r\n\r\n",
           "Manifest-Version: 1.0\nmain-class:a.B\nClass-Path: lib/x.jar\n  lib/y.jar\n",
           "MAIN-CLASS :  a.B  \r\n",
           "Manifest-Version: 1.0\r\n\r\nName: a/B.class\r\nMain-Class: a.B\r\n",
           "Manifest-Version: 1.0\r\nCreated-By: hand\r\n",
           "Main-Class: a.B\rClass-Path: .\r",
           "",
       })
    add("jar", kJar, build_zip({{"META-INF/MANIFEST.MF", manifest}, {"a/B.class", cls}}));
  add("jar", kJar, build_zip({{"meta-inf/manifest.mf", "Main-Class: a.B\n"}, {"a/B.class", cls}}));
  add("jar", kJar, build_zip({{"META-INF/", ""}, {"META-INF/MANIFEST.MF", "Main-Class: a.B\n"}}));
  add("jar", kJar, build_zip({{"a/B.class", cls}}));  // a zip, not a jar

  // Rules (as module_fuzz.cc defines them): hits and near misses of each.
  for (const std::string head : {"SCARLETB", "SCARLETB and more", "SCARLETA", "SCARLET"}) add("rule", kProg, head);
  for (const auto& head : {std::string("abcd\x10\x20", 6), std::string("abcd\x1f\x20tail", 10),
                           std::string("abcd\x10\x21", 6), std::string("abcd\x10", 5)})
    add("rule", kProg, head);
  add("rule", kLua, "print(1)");
  add("rule", kLua, "");
  add("rule", kProg, "print(1)");  // right text, wrong name
  seeds["rule"].push_back(named("prog.bin", "\x7fSCR"));
  seeds["rule"].push_back(named("prog.BIN", "\x7fSCR"));
  seeds["rule"].push_back(named("dir.bin/prog", "\x7fSCR"));
  seeds["rule"].push_back(named("x.LUA", "print(1)"));
  seeds["rule"].push_back(named("x.lua.", "print(1)"));
  add("rule", kProg, std::string(250, '.') + "zZ");  // the masked first byte takes either case
  add("rule", kProg, std::string(250, '.') + "Z");

  // "#!" scripts, as the kernel reads their first line.
  for (const auto& text :
       std::vector<std::string>{"#!/bin/sh\necho hi\n", "#! /usr/bin/env  python3 -u \t\nprint()\n", "#!/bin/sh",
                                "#!\n", "#! \t \n", std::string("#!/bin/sh\0-x\n", 13),
                                "#!" + std::string(300, 'x') + "\n", "#!/bin/sh " + std::string(300, ' ')})
    add("script", kProg, text);

  for (const auto& [module, list] : seeds)
    for (std::size_t i = 0; i < list.size(); ++i) write(out / module, "seed-" + std::to_string(i), list[i]);
}

scarlet::wire::DecideReply sample_plan() {
  scarlet::wire::DecideReply r;
  r.format = "elf:aarch64";
  r.exec_path = "/usr/bin/qemu-aarch64-static";
  r.argv = {"/usr/bin/qemu-aarch64-static", "-0", "p", "/dev/fd/3"};
  r.args_at = 4;
  r.env = {{"QEMU_LD_PREFIX", "/usr/aarch64-linux-gnu"}, {"EMPTY", ""}};
  r.limits = {{"nofile", RLIMIT_NOFILE, 1024},
              {"as", RLIMIT_AS, 1ull << 40},
              {"core", RLIMIT_CORE, static_cast<std::uint64_t>(RLIM_INFINITY)}};
  r.uses_binary_fd = true;
  return r;
}

// Decide replies as the daemon sends them, and frames around them: for the
// protocol fuzzer (after its chunk-size byte) and the fast path's (as is).
void protocol_seeds(const fs::path& out) {
  using namespace scarlet::wire;
  std::map<std::string, std::string> replies;
  replies["plan"] = encode(sample_plan());
  DecideReply r;
  r.exit_code = 127, r.message = "no runtime for elf:aarch64: install qemu-user-static", r.format = "elf:aarch64";
  replies["refusal"] = encode(r);
  r = {};
  r.exit_code = 126, r.message = "native program", r.format = "native", r.native = true;
  replies["native"] = encode(r);
  r = {};
  r.format = "wasm", r.exec_path = "/usr/bin/wasmtime", r.argv = {"wasmtime", "run", "--dir=.", "./p.wasm"};
  r.args_at = -1;
  replies["no-args"] = encode(r);
  r.args_at = 0, r.env = {{"A", "1"}, {"A", "2"}, {"SCARLET_SHIM_EXEC", "x"}};
  replies["args-first"] = encode(r);
  r = sample_plan();
  r.exec_path = std::string("/odd\0path", 9), r.argv = {"", std::string("\0", 1), "x=y"}, r.args_at = 3;
  r.env = {{"", "empty name"}, {"A=B", "c"}, {std::string("N\0L", 3), "v"}}, r.native = true;
  replies["odd-strings"] = encode(r);
  r = sample_plan();
  r.argv.assign(300, "-v"), r.args_at = 150;
  for (int i = 0; i < 100; ++i) r.env.push_back({"V" + std::to_string(i), std::string(i, 'x')});
  replies["many"] = encode(r);
  r = sample_plan();
  r.exec_path = "/" + std::string(kMaxString - 1, 'x');  // strings at the protocol's limit, and one past it
  replies["longest-string"] = encode(r);
  r.exec_path += "x";
  replies["too-long-string"] = encode(r);
  r = sample_plan();  // two confinement layers, as a chain gives
  scarlet::Confinement c;
  c.files = c.network = c.scope_signal = true;
  c.paths = {{"{program_dir}", scarlet::access::read}, {"{cwd}/out", 3}, {"/usr/bin", 5}};
  c.ports = {{scarlet::PortGrant::connect, 443}, {scarlet::PortGrant::bind, 8080}};
  c.no_new_privs = true;
  c.syscalls = scarlet::syscall_preset::all;
  scarlet::Confinement d;
  d.scope_abstract_unix = d.required = true;
  r.confinement = {c, d};
  replies["confined"] = encode(r);

  for (const auto& [name, frame] : replies) {
    write(out / "fast_reply", name, frame);
    write(out / "protocol", "reply-" + name, std::string(1, static_cast<char>(name.size())) + frame);
  }
  const std::string plan = replies["plan"];
  write(out / "fast_reply", "truncated", plan.substr(0, plan.size() / 2));
  write(out / "fast_reply", "trailing", plan + encode(TextReply{0, "x"}));
  write(out / "fast_reply", "header-only", encode_empty(Type::decide_reply));
  write(out / "fast_reply", "text", encode(TextReply{1, "not a decide reply"}));
  write(out / "fast_reply", "request", encode(DecideRequest{"./prog", "prog", 3, {}}));

  // Requests, alone and in streams, around the daemon's kMaxRequest.
  write(out / "protocol", "decide", std::string(1, '\x03') + encode(DecideRequest{"./prog", "prog", 3, {}}));
  write(out / "protocol", "explain",
        std::string(1, '\x00') + encode(DecideRequest{"/p", std::nullopt, -1, {"a", "b"}}, Type::explain));
  write(out / "protocol", "text", std::string(1, '\x01') + encode(TextReply{0, "{}"}) + encode_empty(Type::status));
  write(out / "protocol", "admin", std::string(1, '\x05') + encode_empty(Type::reload) + encode_empty(Type::status));
  write(out / "protocol", "two-requests",
        std::string(1, '\x10') + encode(DecideRequest{"a", "b", 4, {}}) +
            encode(DecideRequest{"c", std::nullopt, 5, {"d"}}, Type::explain));
  const std::size_t fixed = 20;  // a request's payload beyond its path, without argv0 or args
  write(out / "protocol", "request-at-limit",
        std::string(1, '\x10') + encode(DecideRequest{std::string(kMaxRequest - fixed, 'p'), std::nullopt, 3, {}}));
  write(out / "protocol", "request-over-limit",
        std::string(1, '\x10') + encode(DecideRequest{std::string(kMaxRequest - fixed + 1, 'p'), std::nullopt, 3, {}}));
  write(out / "protocol", "request-at-limit-as-read",  // in the daemon's 4096-byte reads
        std::string(1, '\xf0') + encode(DecideRequest{std::string(kMaxRequest - fixed, 'p'), std::nullopt, 3, {}}) +
            encode_empty(Type::status));
  std::string bad_version = encode(DecideRequest{"./prog", "prog", 3, {}});
  bad_version[4] = 2;
  write(out / "protocol", "bad-version", std::string(1, '\x02') + bad_version);
}

// Registry text: the default registry, each of its formats on its own (small
// inputs that still reach every kind of entry), the examples in
// docs/registry.md, and files with one thing wrong each.
void registry_seeds(const fs::path& out, const fs::path& source) {
  const fs::path dir = out / "registry";
  const std::string registry = read(source / "config/registry.json");
  write(dir, "default.json", registry);
  write(dir, "default-truncated.json", registry.substr(0, registry.size() / 2));
  const auto parsed = nlohmann::ordered_json::parse(registry, nullptr, false);
  if (parsed.is_object() && parsed.contains("formats"))
    for (const auto& [id, entry] : parsed["formats"].items()) {
      nlohmann::ordered_json one = {{"version", 1}, {"formats", {{id, entry}}}};
      std::string file = "format-" + id + ".json";
      for (char& c : file) c = c == ':' ? '_' : c;
      write(dir, file, one.dump(2));
    }

  const std::string doc = read(source / "docs/registry.md");
  int example = 0;
  for (std::size_t at = doc.find("```json\n"); at != std::string::npos; at = doc.find("```json\n", at)) {
    at += 8;
    const std::size_t end = doc.find("```", at);
    if (end == std::string::npos) break;
    write(dir, "doc-" + std::to_string(example++) + ".json", doc.substr(at, end - at));
    at = end + 3;
  }

  write(dir, "everything.json", R"({ "version": 1, "comment": "every key", "precedence": "theirs",
  "rules": [ { "name": "bench", "magic": "SCARLETB", "offset": 0, "mask": "\\xff\\xff\\xff\\xff\\xff\\xff\\xff\\xdf" },
             { "name": "lua.5-4_x", "extension": "lua", "comment": "by name" },
             { "name": "both", "magic": "\\x7fSCR\\\\", "offset": 250, "extension": "bin" } ],
  "formats": {
    "rule:bench": { "description": "bench", "flags": "PF", "limits": {"nofile": 5, "as": "1G", "core": 0,
        "cpu": "unlimited", "data": "512M", "fsize": "2T", "memlock": "64K", "nproc": 100, "stack": "8M"},
      "runtimes": [ { "path": "/opt/noop", "args": ["-0", "{argv0}", "{binary_fd}", "{{literal}}", "{args}"],
        "env": {"A": "1", "B_2": ""}, "env_if_exists": {"C": ["/x", "/y"], "D": "/z"}, "via": "/v",
        "limits": {"nofile": 7}, "comment": "c" } ] },
    "rule:lua.5-4_x": { "runtimes": [ { "path": "/usr/bin/lua5.4" } ] },
    "rule:both": { "enabled": false, "runtimes": [] },
    "pe:i386": { "flags": "POFC", "binfmt": [ { "magic": "MZ" }, { "extension": "exe", "comment": "x" } ],
      "runtimes": [ { "path": "/usr/bin/wine", "abi": "native" }, { "path": "/opt/wine.exe", "abi": "pe:x86_64" } ] },
    "wasm": { "runtimes": [ { "path": "/usr/bin/node", "via": "/usr/libexec/scarlet-dispatch/scarlet-node",
      "args": ["{runtime}", "{binary}", "{args}"] } ] },
    "java-class": { "runtimes": [ { "path": "/usr/bin/java", "args": ["-cp", "{classpath}", "{class}", "{args}"] } ] },
    "jar": { "runtimes": [ { "path": "/usr/bin/java", "args": ["-jar", "{binary}", "-Dmain={main_class}", "{args}"] } ] } } })");
  write(dir, "example.json", R"({ "version": 1,
  "rules": [ { "name": "bench", "magic": "SCARLETB", "offset": 0, "mask": "\\xff\\xff" } ],
  "formats": { "rule:bench": { "limits": {"nofile": 5, "as": "1G"}, "runtimes": [ { "path": "/opt/noop",
    "args": ["-0", "{argv0}", "{binary_fd}", "{args}"], "env_if_exists": {"A": ["/x"]}, "via": "/v" } ] } } })");

  // Accepted, but odd: one rule name twice in one file, and chained runtimes
  // that loop (deciding refuses the chain).
  write(dir, "rule-twice.json",
        R"({"version": 1, "rules": [{"name": "x", "extension": "a"}, {"name": "x", "extension": "b"}]})");
  write(dir, "abi-loop.json", R"({"version": 1, "formats": {"wasm": {"runtimes": [{"path": "/w", "abi": "jar"}]},
    "jar": {"runtimes": [{"path": "/j", "abi": "wasm"}]}}})");

  // One problem each. The parser must reject them all, and say where.
  const std::map<std::string, std::string> broken = {
      {"empty", ""},
      {"not-an-object", "[1, 2]"},
      {"no-version", R"({"formats": {}})"},
      {"version-2", R"({"version": 2})"},
      {"version-string", R"({"version": "1"})"},
      {"unknown-key", R"({"version": 1, "format": {}})"},
      {"duplicate-key", R"({"version": 1, "version": 1})"},
      {"trailing-comma", R"({"version": 1, "rules": [],})"},
      {"precedence", R"({"version": 1, "precedence": "sometimes"})"},
      {"rule-bad-escape", R"({"version": 1, "rules": [{"name": "x", "magic": "\\q"}]})"},
      {"rule-short-escape", R"({"version": 1, "rules": [{"name": "x", "magic": "AB\\x4"}]})"},
      {"rule-native", R"({"version": 1, "rules": [{"name": "x", "magic": "\\x7fELF"}]})"},
      {"rule-script", R"({"version": 1, "rules": [{"name": "x", "magic": "#!"}]})"},
      {"rule-past-window", R"({"version": 1, "rules": [{"name": "x", "magic": "AB", "offset": 255}]})"},
      {"rule-offset-negative", R"({"version": 1, "rules": [{"name": "x", "magic": "AB", "offset": -1}]})"},
      {"rule-mask-length", R"({"version": 1, "rules": [{"name": "x", "magic": "ABC", "mask": "\\xff"}]})"},
      {"rule-empty-magic", R"({"version": 1, "rules": [{"name": "x", "magic": ""}]})"},
      {"rule-dot-extension", R"({"version": 1, "rules": [{"name": "x", "extension": ".lua"}]})"},
      {"rule-nothing", R"({"version": 1, "rules": [{"name": "x"}]})"},
      {"rule-name", R"({"version": 1, "rules": [{"name": "Bad Name!", "extension": "b"}]})"},
      {"rule-format-binfmt", R"({"version": 1, "rules": [{"name": "x", "extension": "a"}],
        "formats": {"rule:x": {"binfmt": {"magic": "AB"}, "runtimes": []}}})"},
      {"unknown-format", R"({"version": 1, "formats": {"rule:nope": {"runtimes": []}, "elf:vax": {"runtimes": []}}})"},
      {"no-runtimes", R"({"version": 1, "formats": {"wasm": {}}})"},
      {"relative-path", R"({"version": 1, "formats": {"wasm": {"runtimes": [{"path": "bin/wasmtime"}]}}})"},
      {"relative-via", R"({"version": 1, "formats": {"wasm": {"runtimes": [{"path": "/w", "via": "v"}]}}})"},
      {"args-twice",
       R"({"version": 1, "formats": {"wasm": {"runtimes": [{"path": "/w", "args": ["{args}", "{args}"]}]}}})"},
      {"args-inside",
       R"({"version": 1, "formats": {"wasm": {"runtimes": [{"path": "/w", "args": ["--x={args}", "{nope}", "{"]}]}}})"},
      {"bad-abi", R"({"version": 1, "formats": {"wasm": {"runtimes": [{"path": "/w", "abi": "vax"}]}}})"},
      {"bad-limits", R"({"version": 1, "formats": {"wasm": {"limits": {"nofile": "1X", "files": 3, "as": -1,
        "core": 1.5, "stack": "99999999999T"}, "runtimes": []}}})"},
      {"bad-flags",
       R"({"version": 1, "formats": {"wasm": {"flags": "PPX", "runtimes": []}, "jar": {"flags": 1, "runtimes": []}}})"},
      {"bad-enabled", R"({"version": 1, "formats": {"wasm": {"enabled": "yes", "runtimes": []}}})"},
      {"bad-env", R"({"version": 1, "formats": {"wasm": {"runtimes": [{"path": "/w", "env": {"1BAD": "x", "A=B": "y",
        "OK": 3}, "env_if_exists": {"C": [1], "D": {}}}]}}})"},
      {"wrong-types", R"({"version": 1, "rules": {}, "formats": []})"},
      {"not-utf8", "{\"version\": 1, \"comment\": \"\xff\xfe\xc3\x28\"}"},
      {"nul-in-string", R"({"version": 1, "formats": {"wasm": {"runtimes": [{"path": "/w\u0000x"}]}}})"},
      {"deep", std::string(3000, '[') + std::string(3000, ']')},
  };
  for (const auto& [name, text] : broken) write(dir, "broken-" + name + ".json", text);
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 3) return 2;
  const fs::path out = argv[1], source = argv[2];
  module_seeds(out);
  protocol_seeds(out);
  registry_seeds(out, source);
  return 0;
}
