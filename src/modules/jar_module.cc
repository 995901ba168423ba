// Runnable jars ("jar"), run as `java -jar`: a zip archive whose
// META-INF/MANIFEST.MF names a Main-Class. The archive is read with libzip
// through a source that reads the FileView, so every byte libzip touches
// counts against the view's caps.
#include <zip.h>

#include <algorithm>
#include <cctype>

#include "class_file.h"
#include "scarlet/abi_module.h"

namespace scarlet {
namespace {

constexpr std::size_t kMaxManifest = 64 * 1024;
// The most a jar's central directory may list, checked before libzip reads
// it: bounds the work of one decision (docs/benchmarks.md, hostile-load).
// Large application jars hold some tens of thousands of entries.
constexpr std::uint64_t kMaxEntries = 65535;
constexpr std::uint64_t kMaxDirectory = std::uint64_t{8} << 20;

// libzip source callbacks over a FileView (see zip_source_function(3)).
struct ViewSource {
  const FileView* file;
  std::uint64_t pos = 0;
  zip_error_t error;
};

zip_int64_t view_source(void* user, void* data, zip_uint64_t len, zip_source_cmd_t cmd) {
  auto* s = static_cast<ViewSource*>(user);
  switch (cmd) {
    case ZIP_SOURCE_OPEN: s->pos = 0; return 0;
    case ZIP_SOURCE_CLOSE: return 0;
    case ZIP_SOURCE_FREE: return 0;  // the ViewSource lives on the caller's stack
    case ZIP_SOURCE_READ: {
      auto r = s->file->read(s->pos, static_cast<std::size_t>(std::min<zip_uint64_t>(len, FileView::kMaxRead)));
      if (!r.ok()) {
        zip_error_set(&s->error, ZIP_ER_READ, EIO);
        return -1;
      }
      std::copy(r->begin(), r->end(), static_cast<std::uint8_t*>(data));
      s->pos += r->size();
      return static_cast<zip_int64_t>(r->size());
    }
    case ZIP_SOURCE_STAT: {
      auto* st = static_cast<zip_stat_t*>(data);
      zip_stat_init(st);
      st->size = s->file->size();
      st->valid |= ZIP_STAT_SIZE;
      return sizeof(*st);
    }
    case ZIP_SOURCE_SEEK: {
      auto at = zip_source_seek_compute_offset(s->pos, s->file->size(), data, len, &s->error);
      if (at < 0) return -1;
      s->pos = static_cast<std::uint64_t>(at);
      return 0;
    }
    case ZIP_SOURCE_TELL: return static_cast<zip_int64_t>(s->pos);
    case ZIP_SOURCE_ERROR: return zip_error_to_data(&s->error, data, len);
    case ZIP_SOURCE_SUPPORTS:
      return zip_source_make_command_bitmap(ZIP_SOURCE_OPEN, ZIP_SOURCE_READ, ZIP_SOURCE_CLOSE, ZIP_SOURCE_STAT,
                                            ZIP_SOURCE_ERROR, ZIP_SOURCE_FREE, ZIP_SOURCE_SEEK, ZIP_SOURCE_TELL,
                                            ZIP_SOURCE_SUPPORTS, -1);
    default:
      zip_error_set(&s->error, ZIP_ER_OPNOTSUPP, 0);
      return -1;
  }
}

// What the archive's end records claim its central directory holds: the
// most any of them claims, since which one libzip believes is its choice.
// libzip reads the whole directory and allocates for every entry when it
// opens an archive, so this is checked first (issue 11: 1.3 million entries
// cost it 5.6 s and 310 MB).
struct DirectoryClaim {
  std::uint64_t entries = 0, bytes = 0;
};

DirectoryClaim directory_claim(const FileView& file) {
  constexpr std::uint32_t kEnd = 0x06054b50, kLocator = 0x07064b50, kEnd64 = 0x06064b50;
  constexpr std::uint64_t kEndSize = 22, kLocatorSize = 20, kEnd64Size = 56;
  // The end record sits within its own size plus the longest comment of the end.
  constexpr std::uint64_t kTail = kLocatorSize + kEndSize + 0xffff;
  DirectoryClaim worst;
  const std::uint64_t start = file.size() > kTail ? file.size() - kTail : 0;
  auto tail = file.read(start, static_cast<std::size_t>(file.size() - start));
  if (!tail.ok()) return worst;
  const ByteView t(*tail);
  for (std::size_t at = 0; at + kEndSize <= t.size(); ++at) {
    if (*le32(t, at) != kEnd) continue;
    std::uint64_t entries = *le16(t, at + 10), bytes = *le32(t, at + 12);
    // All ones there say "see the zip64 end record", which the locator
    // before this record points to.
    if ((entries == 0xffff || bytes == 0xffffffff) && at >= kLocatorSize && *le32(t, at - kLocatorSize) == kLocator) {
      auto record = file.read(*le64(t, at - kLocatorSize + 8), kEnd64Size);
      if (record.ok() && le32(*record, 0) == kEnd64) {
        if (entries == 0xffff) entries = le64(*record, 32).value_or(0);
        if (bytes == 0xffffffff) bytes = le64(*record, 40).value_or(0);
      }
    }
    worst.entries = std::max(worst.entries, entries);
    worst.bytes = std::max(worst.bytes, bytes);
  }
  return worst;
}

struct ZipCloser {
  void operator()(zip_t* z) const { zip_discard(z); }
};
struct ZipFileCloser {
  void operator()(zip_file_t* f) const { zip_fclose(f); }
};
std::optional<std::uint16_t> main_class_major(zip_t* za, const std::string& main_class);

// A manifest header's value from the main section ("Main-Class: x"), with
// continuation lines joined, per the JAR file specification.
std::string manifest_value(std::string_view manifest, std::string_view key) {
  std::vector<std::string> lines;
  std::size_t i = 0;
  while (i < manifest.size()) {
    auto end = manifest.find_first_of("\r\n", i);
    if (end == std::string_view::npos) end = manifest.size();
    std::string line(manifest.substr(i, end - i));
    i = end + (manifest.substr(end, 2) == "\r\n" ? 2 : 1);
    if (line.empty()) break;  // end of the main section
    if (line[0] == ' ' && !lines.empty()) lines.back() += line.substr(1);
    else lines.push_back(std::move(line));
  }
  for (const auto& l : lines) {
    auto colon = l.find(':');
    if (colon != key.size()) continue;
    if (!std::equal(key.begin(), key.end(), l.begin(),
                    [](char a, char b) { return std::tolower(static_cast<unsigned char>(a)) == std::tolower(static_cast<unsigned char>(b)); }))
      continue;
    auto v = l.substr(colon + 1);
    v.erase(0, v.find_first_not_of(' '));
    v.erase(v.find_last_not_of(' ') + 1);
    return v;
  }
  return {};
}

class JarModule final : public AbiModule {
 public:
  std::string_view name() const override { return "jar"; }
  std::vector<std::string> formats() const override { return {"jar"}; }

  Sniff get_runtime_config(const FileView& file, std::string_view) const override {
    if (!has_magic(file.head(), 0, "PK\x03\x04")) return not_mine();
    if (auto claim = directory_claim(file); claim.entries > kMaxEntries || claim.bytes > kMaxDirectory)
      return refuse("zip archive lists " + std::to_string(claim.entries) + " entries in " + std::to_string(claim.bytes) +
                    " bytes, more than the " + std::to_string(kMaxEntries) + " entries or " +
                    std::to_string(kMaxDirectory >> 20) + " MiB a jar may have here");
    ViewSource vs{&file, 0, {}};
    zip_error_init(&vs.error);
    struct ErrorFini {
      zip_error_t* e;
      ~ErrorFini() { zip_error_fini(e); }
    } fini{&vs.error};

    zip_error_t open_error;
    zip_error_init(&open_error);
    zip_source_t* src = zip_source_function_create(view_source, &vs, &open_error);
    if (!src) return refuse("cannot read zip archive");
    std::unique_ptr<zip_t, ZipCloser> za(zip_open_from_source(src, ZIP_RDONLY, &open_error));
    if (!za) {
      zip_source_free(src);
      std::string why = zip_error_strerror(&open_error);
      zip_error_fini(&open_error);
      return refuse("corrupt zip archive: " + why);
    }
    zip_error_fini(&open_error);

    zip_int64_t index = zip_name_locate(za.get(), "META-INF/MANIFEST.MF", ZIP_FL_NOCASE);
    if (index < 0) return not_mine();  // a zip file, but not a jar
    std::unique_ptr<zip_file_t, ZipFileCloser> mf(zip_fopen_index(za.get(), static_cast<zip_uint64_t>(index), 0));
    if (!mf) return refuse(std::string("cannot read the jar's manifest: ") + zip_strerror(za.get()));
    std::string manifest(kMaxManifest, '\0');
    zip_int64_t n = zip_fread(mf.get(), manifest.data(), manifest.size());
    if (n < 0) return refuse(std::string("corrupt jar manifest: ") + zip_file_strerror(mf.get()));
    manifest.resize(static_cast<std::size_t>(n));

    Detection d;
    d.format = "jar";
    auto main_class = manifest_value(manifest, "Main-Class");
    if (main_class.empty()) return refuse("jar has no Main-Class in its manifest, so java -jar cannot run it");
    d.facts.push_back({"main_class", main_class});
    if (auto cp = manifest_value(manifest, "Class-Path"); !cp.empty()) d.facts.push_back({"class_path", cp});
    d.facts.push_back({"entries", std::to_string(zip_get_num_entries(za.get(), 0))});
    d.vars.push_back({"main_class", main_class});
    // The Java the main class needs, from its header; a main class the jar
    // does not hold (it may come from Class-Path) says nothing.
    if (auto major = main_class_major(za.get(), main_class)) {
      int java = class_file::java_feature(*major);
      d.facts.push_back({"needs", "Java " + std::to_string(java) + " or later (main class version " + std::to_string(*major) + ")"});
      d.vars.push_back({"java", std::to_string(java)});
    }
    return std::optional<Detection>(std::move(d));
  }
};

// The class-file major version of the jar's entry for `main_class`
// ("com.example.Hello" is com/example/Hello.class), if it holds one.
std::optional<std::uint16_t> main_class_major(zip_t* za, const std::string& main_class) {
  std::string entry = main_class;
  std::replace(entry.begin(), entry.end(), '.', '/');
  entry += ".class";
  zip_int64_t index = zip_name_locate(za, entry.c_str(), 0);
  if (index < 0) return std::nullopt;
  std::unique_ptr<zip_file_t, ZipFileCloser> f(zip_fopen_index(za, static_cast<zip_uint64_t>(index), 0));
  if (!f) return std::nullopt;
  std::uint8_t head[8];
  if (zip_fread(f.get(), head, sizeof head) != sizeof head) return std::nullopt;
  ByteView h(head, sizeof head);
  if (be32(h, 0) != 0xcafebabe) return std::nullopt;
  return be16(h, 6);
}

}  // namespace

std::unique_ptr<AbiModule> make_jar_module(const ModuleContext&) { return std::make_unique<JarModule>(); }

}  // namespace scarlet
