// Java classes ("java-class"), run as `java -cp ROOT pkg.Name`. The class's
// own name comes from its constant pool (this_class); ROOT is where the
// package directories begin in the file's path. Layout from the JVM spec,
// chapter 4 ("The class File Format").
#include <algorithm>
#include <optional>
#include <string>
#include <vector>

#include "class_file.h"
#include "scarlet/abi_module.h"

namespace scarlet {
namespace {

constexpr std::uint16_t kMinMajor = 45;   // JDK 1.0.2
constexpr std::uint16_t kMaxMajor = 100;  // far beyond today's 69: room to grow
constexpr std::uint16_t kAccModule = 0x8000;
constexpr std::uint16_t kAccStatic = 0x0008;
constexpr std::size_t kChunk = 64 * 1024;

// Sequential reads over a FileView, a chunk at a time.
class Cursor {
 public:
  Cursor(const FileView& file, std::uint64_t pos) : file_(file), pos_(pos) {}
  std::uint64_t pos() const { return pos_; }
  std::optional<std::uint8_t> u8() { return fill(1) ? std::optional(buf_[pos_++ - start_]) : std::nullopt; }
  std::optional<std::uint16_t> u16() {
    if (!fill(2)) return std::nullopt;
    auto v = be16(buf_, pos_ - start_);
    pos_ += 2;
    return v;
  }
  std::optional<std::uint32_t> u32() {
    if (!fill(4)) return std::nullopt;
    auto v = be32(buf_, pos_ - start_);
    pos_ += 4;
    return v;
  }
  bool skip(std::uint64_t n) {
    if (n > file_.size() - std::min(pos_, file_.size())) return false;
    pos_ += n;
    return true;
  }

 private:
  bool fill(std::size_t n) {
    if (pos_ >= start_ && pos_ + n <= start_ + buf_.size()) return true;
    auto r = file_.read(pos_, std::max(n, kChunk));
    if (!r.ok() || r->size() < n) return false;
    buf_ = std::move(r).value();
    start_ = pos_;
    return true;
  }
  const FileView& file_;
  std::uint64_t pos_;
  std::uint64_t start_ = 0;
  Bytes buf_;
};

std::optional<std::uint16_t> u16_at(const FileView& file, std::uint64_t at) {
  auto r = file.read(at, 2);
  return r.ok() ? be16(*r, 0) : std::nullopt;
}

struct PoolEntry {
  std::uint8_t tag = 0;
  std::uint64_t at = 0;  // file offset of the entry's body
};

// Bytes of each constant-pool entry after its tag; 0 marks a Utf8 (its own length).
int body_size(std::uint8_t tag) {
  switch (tag) {
    case 1: return 0;                                   // Utf8
    case 7: case 8: case 16: case 19: case 20: return 2;  // Class, String, MethodType, Module, Package
    case 15: return 3;                                  // MethodHandle
    case 3: case 4: case 9: case 10: case 11: case 12: case 17: case 18: return 4;
    case 5: case 6: return 8;                           // Long, Double (take two slots)
    default: return -1;
  }
}

// The JVM finds pkg/Name only at ROOT/pkg/Name.class, so ROOT follows from
// where the file is: its path with the package's directories taken off the
// end. Only the path's text is used (modules do no I/O), read as the kernel
// will from the same working directory: a relative path that names fewer
// directories than the package has ("./Name.class" run inside pkg/, or one
// that climbs with "..") is completed with ".." per missing directory. A
// directory named in the path that is not the package's, or a file name
// that is not Name.class, cannot be where the JVM looks: nullopt.
std::optional<std::string> classpath_root(std::string_view path, std::string_view internal) {
  std::vector<std::string_view> want;  // the package's directories, then Name.class
  for (std::size_t at = 0;;) {
    auto slash = internal.find('/', at);
    want.push_back(internal.substr(at, slash == std::string_view::npos ? slash : slash - at));
    if (slash == std::string_view::npos) break;
    at = slash + 1;
  }
  auto base_at = path.rfind('/');
  std::string_view base = base_at == std::string_view::npos ? path : path.substr(base_at + 1);
  if (std::string(base) != std::string(want.back()) + ".class") return std::nullopt;
  want.pop_back();

  const bool absolute = path.starts_with('/');
  std::string_view dir = base_at == std::string_view::npos ? std::string_view() : path.substr(0, base_at);
  // Match the package's directories against the path's, from the end.
  auto drop_dots = [](std::string_view& d) {  // "a/./" and "a/." name the same directory as "a"
    for (;;) {
      if (d == ".") d = {};
      else if (d.ends_with("/.")) d.remove_suffix(2);
      else if (d.size() > 1 && d.ends_with('/')) d.remove_suffix(1);
      else return;
    }
  };
  while (!want.empty()) {
    drop_dots(dir);
    auto slash = dir.rfind('/');
    std::string_view last = slash == std::string_view::npos ? dir : dir.substr(slash + 1);
    if (last.empty() || last == "..") break;  // the path names no more of the tree
    if (last != want.back()) return std::nullopt;
    want.pop_back();
    dir = slash == std::string_view::npos ? std::string_view() : dir.substr(0, slash);
  }
  drop_dots(dir);
  if (!want.empty() && absolute && dir.find_first_not_of('/') == std::string_view::npos) return std::nullopt;  // nothing above /
  std::string root(dir);
  for (std::size_t i = 0; i < want.size(); ++i) root += root.empty() ? ".." : "/..";
  if (root.empty()) return absolute ? "/" : ".";
  return root;
}

class JavaClassModule final : public AbiModule {
 public:
  std::string_view name() const override { return "java_class"; }
  std::vector<std::string> formats() const override { return {"java-class"}; }

  Sniff get_runtime_config(const FileView& file, std::string_view path) const override {
    ByteView h = file.head();
    if (be32(h, 0) != 0xcafebabe) return not_mine();
    auto minor = be16(h, 4), major = be16(h, 6);
    if (!minor || !major) return refuse("truncated Java class header");
    if (*major < kMinMajor || *major > kMaxMajor) return not_mine();

    Cursor c(file, 8);
    auto count = c.u16();
    if (!count || *count == 0) return refuse("truncated Java class constant pool");
    std::vector<PoolEntry> pool(*count);
    for (std::uint16_t i = 1; i < *count; ++i) {
      auto tag = c.u8();
      if (!tag) return refuse("truncated Java class constant pool");
      int size = body_size(*tag);
      if (size < 0) return refuse("corrupt Java class constant pool (tag " + std::to_string(*tag) + ")");
      pool[i] = {*tag, c.pos()};
      if (size == 0) {
        auto len = c.u16();
        if (!len || !c.skip(*len)) return refuse("truncated Java class constant pool");
      } else if (!c.skip(static_cast<std::uint64_t>(size))) {
        return refuse("truncated Java class constant pool");
      }
      if (*tag == 5 || *tag == 6) ++i;
    }
    auto access = c.u16(), this_class = c.u16();
    if (!access || !this_class) return refuse("truncated Java class");
    if (*access & kAccModule) return refuse("module-info.class is a module descriptor, not a program");

    auto utf8 = [&](std::uint16_t index) -> std::optional<std::string> {
      if (index == 0 || index >= pool.size() || pool[index].tag != 1) return std::nullopt;
      auto len = u16_at(file, pool[index].at);
      if (!len) return std::nullopt;
      auto bytes = file.read(pool[index].at + 2, *len);
      if (!bytes.ok() || bytes->size() != *len) return std::nullopt;
      return std::string(bytes->begin(), bytes->end());
    };
    if (*this_class == 0 || *this_class >= pool.size() || pool[*this_class].tag != 7)
      return refuse("corrupt Java class (this_class)");
    auto name_index = u16_at(file, pool[*this_class].at);
    auto internal = name_index ? utf8(*name_index) : std::nullopt;
    if (!internal || internal->empty()) return refuse("corrupt Java class (class name)");

    std::string main = find_main(c, utf8);
    std::string dotted = *internal;
    std::replace(dotted.begin(), dotted.end(), '/', '.');
    // The name lands among java's options ("java -cp . NAME"), and java has
    // no "--" to end them: a class named "-version" would be an option.
    if (dotted[0] == '-') return refuse("Java class " + dotted + " has a name java would take for an option");

    Detection d;
    d.format = "java-class";
    d.facts.push_back({"class", dotted});
    d.facts.push_back({"version", std::to_string(*major) + "." + std::to_string(*minor)});
    d.facts.push_back({"needs", "Java " + std::to_string(class_file::java_feature(*major)) + " or later"});
    if (main.empty()) return refuse("Java class " + dotted + " has no main method, so it cannot be run");
    d.facts.push_back({"main", main});

    auto root = classpath_root(path, *internal);
    if (!root) return refuse("Java class " + dotted + " must be stored as .../" + *internal + ".class to run, not as " +
                             std::string(path));
    d.facts.push_back({"classpath", *root});
    d.vars.push_back({"class", dotted});
    d.vars.push_back({"classpath", *root});
    d.vars.push_back({"java", std::to_string(class_file::java_feature(*major))});
    return std::optional<Detection>(std::move(d));
  }

 private:
  // Walks super_class, interfaces and fields to the methods, and describes
  // the launchable main method if there is one ("" if not).
  template <typename Utf8>
  static std::string find_main(Cursor& c, const Utf8& utf8) {
    auto skip_members = [&](bool look) -> std::optional<std::string> {
      auto n = c.u16();
      if (!n) return std::nullopt;
      std::string found;
      for (std::uint16_t i = 0; i < *n; ++i) {
        auto flags = c.u16(), name = c.u16(), desc = c.u16(), attrs = c.u16();
        if (!flags || !name || !desc || !attrs) return std::nullopt;
        if (look && found.empty() && utf8(*name) == "main") {
          auto d = utf8(*desc);
          bool is_static = *flags & kAccStatic;
          if (d == "([Ljava/lang/String;)V") found = is_static ? "static main(String[])" : "instance main(String[])";
          else if (d == "()V") found = is_static ? "static main()" : "instance main()";
        }
        for (std::uint16_t a = 0; a < *attrs; ++a) {
          if (!c.u16()) return std::nullopt;  // attribute name
          auto len = c.u32();
          if (!len || !c.skip(*len)) return std::nullopt;
        }
      }
      return found;
    };
    auto super = c.u16(), interfaces = c.u16();
    if (!super || !interfaces || !c.skip(std::uint64_t{*interfaces} * 2)) return {};
    if (!skip_members(false)) return {};
    return skip_members(true).value_or("");
  }
};

}  // namespace

std::unique_ptr<AbiModule> make_java_class_module(const ModuleContext&) {
  return std::make_unique<JavaClassModule>();
}

}  // namespace scarlet
