#include "support/builders.h"

#include <zip.h>
#include <zlib.h>

#include <stdexcept>

namespace scarlet::test {
namespace {

// Appends little- or big-endian integers.
struct Writer {
  std::string out;
  bool big = false;
  void u8(std::uint8_t v) { out += static_cast<char>(v); }
  void put(std::uint64_t v, int n) {
    for (int i = 0; i < n; ++i) {
      int shift = big ? (n - 1 - i) * 8 : i * 8;
      out += static_cast<char>((v >> shift) & 0xff);
    }
  }
  void u16(std::uint16_t v) { put(v, 2); }
  void u32(std::uint32_t v) { put(v, 4); }
  void u64(std::uint64_t v) { put(v, 8); }
  void pad_to(std::size_t n) {
    if (out.size() < n) out.resize(n, '\0');
  }
  void bytes(const std::string& s) { out += s; }
};

}  // namespace

std::string u32_bytes(std::uint32_t v, bool big_endian) {
  Writer w{{}, big_endian};
  w.u32(v);
  return w.out;
}

std::string elf_note(const std::string& name, std::uint32_t type, const std::string& desc, bool big) {
  Writer w{{}, big};
  w.u32(static_cast<std::uint32_t>(name.size() + 1));
  w.u32(static_cast<std::uint32_t>(desc.size()));
  w.u32(type);
  w.bytes(name);
  w.u8(0);
  w.pad_to((w.out.size() + 3) & ~std::size_t{3});
  w.bytes(desc);
  w.pad_to((w.out.size() + 3) & ~std::size_t{3});
  return w.out;
}

std::string build_elf(const ElfSpec& s) {
  const bool is64 = s.elf_class == 2;
  const std::size_t ehsize = is64 ? 64 : 52, phentsize = is64 ? 56 : 32;
  struct Ph {
    std::uint32_t type;
    std::string data;
  };
  std::vector<Ph> phs;
  if (!s.interp.empty()) phs.push_back({3, s.interp + std::string(1, '\0')});  // PT_INTERP
  if (!s.note.empty()) phs.push_back({4, s.note});                              // PT_NOTE
  phs.push_back({1, std::string(16, '\x90')});                                  // PT_LOAD
  const std::uint64_t phoff = s.phoff ? s.phoff : ehsize;
  std::uint64_t data_at = phoff + phentsize * phs.size();

  Writer w{{}, s.data == 2};
  w.bytes("\x7f" "ELF");
  w.u8(static_cast<std::uint8_t>(s.elf_class));
  w.u8(static_cast<std::uint8_t>(s.data));
  w.u8(1);
  w.u8(s.osabi);
  w.pad_to(16);
  w.u16(s.type);
  w.u16(s.machine);
  w.u32(1);  // e_version
  if (is64) {
    w.u64(0x400000);  // e_entry
    w.u64(phoff);
    w.u64(0);         // e_shoff
  } else {
    w.u32(0x400000);
    w.u32(static_cast<std::uint32_t>(phoff));
    w.u32(0);
  }
  w.u32(s.flags);
  w.u16(static_cast<std::uint16_t>(ehsize));
  w.u16(static_cast<std::uint16_t>(phentsize));
  w.u16(static_cast<std::uint16_t>(phs.size()));
  w.u16(is64 ? 64 : 40);  // e_shentsize
  w.u16(0);
  w.u16(0);
  w.pad_to(phoff);
  std::uint64_t at = data_at;
  for (const auto& ph : phs) {
    if (is64) {
      w.u32(ph.type);
      w.u32(4);  // p_flags
      w.u64(at);
      w.u64(0x400000 + at);
      w.u64(0x400000 + at);
      w.u64(ph.data.size());
      w.u64(ph.data.size());
      w.u64(ph.type == 1 ? 0x1000 : 1);
    } else {
      w.u32(ph.type);
      w.u32(static_cast<std::uint32_t>(at));
      w.u32(static_cast<std::uint32_t>(0x400000 + at));
      w.u32(static_cast<std::uint32_t>(0x400000 + at));
      w.u32(static_cast<std::uint32_t>(ph.data.size()));
      w.u32(static_cast<std::uint32_t>(ph.data.size()));
      w.u32(4);
      w.u32(ph.type == 1 ? 0x1000 : 1);
    }
    at += ph.data.size();
  }
  for (const auto& ph : phs) w.bytes(ph.data);
  return w.out;
}

std::string build_mz(const MzSpec& s) {
  Writer w;
  w.bytes("MZ");
  w.u16(s.last_page);
  w.u16(s.pages);
  w.u16(0);               // relocations
  w.u16(s.header_paras);
  w.pad_to(0x3c);
  w.u32(s.lfanew);
  w.pad_to(s.file_size);
  if (!s.signature_at_lfanew.empty()) {
    w.pad_to(s.lfanew);
    w.out.replace(s.lfanew, s.signature_at_lfanew.size(), s.signature_at_lfanew);
  }
  return w.out;
}

std::string build_pe(const PeSpec& s) {
  constexpr std::uint32_t kLfanew = 0x80, kSectionRva = 0x1000, kSectionRaw = 0x200;
  const std::uint16_t opt_size = s.plus ? 240 : 224;
  Writer w;
  w.out = build_mz({4, 0, 4, kLfanew, kLfanew, ""});
  w.bytes(std::string("PE\0\0", 4));
  w.u16(s.machine);
  w.u16(1);  // one section
  w.u32(0);
  w.u32(0);
  w.u32(0);
  w.u16(opt_size);
  w.u16(s.characteristics);
  const std::size_t opt = w.out.size();
  w.u16(s.plus ? 0x20b : 0x10b);
  w.pad_to(opt + 68);
  w.u16(s.subsystem);
  w.pad_to(opt + (s.plus ? 108 : 92));
  w.u32(16);  // NumberOfRvaAndSizes
  const std::size_t dirs = w.out.size();
  w.pad_to(dirs + 16 * 8);
  if (s.clr) {
    w.out.replace(dirs + 14 * 8, 8, u32_bytes(kSectionRva, false) + u32_bytes(72, false));
  }
  // Section header: .text at RVA 0x1000, raw data at 0x200.
  w.bytes(std::string(".text\0\0\0", 8));
  w.u32(0x200);
  w.u32(kSectionRva);
  w.u32(0x200);
  w.u32(kSectionRaw);
  w.pad_to(w.out.size() + 16);
  w.pad_to(kSectionRaw);
  if (s.clr) {
    // CLI header (ECMA-335 II.25.3.3) then the metadata root (II.24.2.1).
    w.u32(72);
    w.u16(2);
    w.u16(5);
    w.u32(kSectionRva + 72);  // metadata RVA
    w.u32(64);
    w.u32(s.clr_flags);
    w.u32(s.entry_point);
    w.pad_to(kSectionRaw + 72);
    w.bytes("BSJB");
    w.u16(1);
    w.u16(1);
    w.u32(0);
    w.u32(12);
    w.bytes(std::string("v4.0.30319\0\0", 12));
    if (!s.target_framework.empty()) {
      // A custom attribute blob: prolog 0x0001, then the string's length and bytes.
      w.bytes(std::string("\x01\x00", 2));
      w.u8(static_cast<std::uint8_t>(s.target_framework.size()));
      w.bytes(s.target_framework);
    }
  }
  w.pad_to(kSectionRaw + 0x200);
  return w.out;
}

std::string build_class(const ClassSpec& s) {
  Writer w{{}, true};
  w.u32(0xcafebabe);
  w.u16(s.minor);
  w.u16(s.major);
  auto utf8 = [&](const std::string& text) {
    w.u8(1);
    w.u16(static_cast<std::uint16_t>(text.size()));
    w.bytes(text);
  };
  w.u16(10);                 // constant_pool_count: entries 1..9, #6 takes two slots
  utf8(s.name);              // #1
  w.u8(7), w.u16(1);         // #2 Class #1
  utf8("java/lang/Object");  // #3
  w.u8(7), w.u16(3);         // #4 Class #3
  utf8("main");              // #5
  w.u8(5), w.u64(42);        // #6-#7 Long
  utf8("([Ljava/lang/String;)V");  // #8
  utf8("Code");              // #9
  w.u16(s.access);
  w.u16(2);  // this_class
  w.u16(4);  // super_class
  w.u16(0);  // interfaces
  w.u16(1);  // fields: one, with an attribute to skip
  w.u16(0x0002), w.u16(9), w.u16(8), w.u16(1);
  w.u16(9), w.u32(3), w.bytes("xyz");
  w.u16(s.main ? 1 : 0);
  if (s.main) {
    w.u16(static_cast<std::uint16_t>(0x0001 | (s.static_main ? 0x0008 : 0)));
    w.u16(5), w.u16(8), w.u16(1);
    w.u16(9), w.u32(1), w.u8(0xb1);  // a "Code" attribute: return
  }
  w.u16(0);  // class attributes
  return w.out;
}

std::string build_zip(const std::vector<std::pair<std::string, std::string>>& entries) {
  zip_error_t error;
  zip_error_init(&error);
  zip_source_t* buffer = zip_source_buffer_create(nullptr, 0, 0, &error);
  zip_t* za = buffer ? zip_open_from_source(buffer, ZIP_TRUNCATE, &error) : nullptr;
  if (!za) throw std::runtime_error("zip_open_from_source failed");
  zip_source_keep(buffer);
  for (const auto& [name, data] : entries) {
    zip_source_t* s = zip_source_buffer(za, data.data(), data.size(), 0);
    if (!s || zip_file_add(za, name.c_str(), s, ZIP_FL_ENC_UTF_8) < 0) throw std::runtime_error("zip_file_add failed");
  }
  if (zip_close(za) < 0) throw std::runtime_error("zip_close failed");
  zip_stat_t st;
  if (zip_source_open(buffer) < 0 || zip_source_stat(buffer, &st) < 0) throw std::runtime_error("zip source");
  std::string out(st.size, '\0');
  zip_int64_t n = zip_source_read(buffer, out.data(), out.size());
  zip_source_close(buffer);
  zip_source_free(buffer);
  if (n != static_cast<zip_int64_t>(out.size())) throw std::runtime_error("zip read");
  zip_error_fini(&error);
  return out;
}

std::string build_wide_jar(std::uint64_t entries) {
  const std::string name = "META-INF/MANIFEST.MF", manifest = "Manifest-Version: 1.0\r\nMain-Class: Hostile\r\n\r\n";
  const auto crc = static_cast<std::uint32_t>(::crc32(0, reinterpret_cast<const Bytef*>(manifest.data()), static_cast<uInt>(manifest.size())));
  const auto size = static_cast<std::uint32_t>(manifest.size());
  Writer w;
  // The local header, stored: version, flags, method, time and date.
  w.u32(0x04034b50); w.u16(20); w.u16(0); w.u16(0); w.u32(0);
  w.u32(crc); w.u32(size); w.u32(size); w.u16(static_cast<std::uint16_t>(name.size())); w.u16(0);
  w.bytes(name + manifest);
  const std::uint64_t cd_offset = w.out.size();
  auto central = [&](const std::string& n) {
    w.u32(0x02014b50); w.u16(20); w.u16(20); w.u16(0); w.u16(0); w.u32(0);
    w.u32(crc); w.u32(size); w.u32(size); w.u16(static_cast<std::uint16_t>(n.size()));
    w.u16(0); w.u16(0); w.u16(0); w.u16(0); w.u32(0); w.u32(0);  // extra, comment, disk, attributes, local header at 0
    w.bytes(n);
  };
  central(name);
  for (std::uint64_t i = 0; i < entries; ++i) central(std::to_string(i));
  const std::uint64_t cd_size = w.out.size() - cd_offset, total = entries + 1, end64 = w.out.size();
  w.u32(0x06064b50); w.u64(44); w.u16(45); w.u16(45); w.u32(0); w.u32(0);
  w.u64(total); w.u64(total); w.u64(cd_size); w.u64(cd_offset);
  w.u32(0x07064b50); w.u32(0); w.u64(end64); w.u32(1);
  const bool big = total > 0xfffe;
  w.u32(0x06054b50); w.u16(0); w.u16(0);
  w.u16(big ? 0xffff : static_cast<std::uint16_t>(total)); w.u16(big ? 0xffff : static_cast<std::uint16_t>(total));
  w.u32(big ? 0xffffffff : static_cast<std::uint32_t>(cd_size)); w.u32(big ? 0xffffffff : static_cast<std::uint32_t>(cd_offset));
  w.u16(0);
  return w.out;
}

std::string build_note_storm_elf(std::uint64_t notes) {
  const std::uint64_t size = 1 << 20, phdrs = notes * 56, notes_at = 64;
  const std::uint64_t phoff = size > notes_at + phdrs ? size - phdrs : notes_at, notes_size = phoff - notes_at;
  Writer w;
  w.bytes(std::string("\x7f" "ELF\x02\x01\x01", 7));
  w.pad_to(16);
  w.u16(2); w.u16(183); w.u32(1);  // ET_EXEC, EM_AARCH64, EV_CURRENT
  w.u64(0x400000); w.u64(phoff); w.u64(0); w.u32(0);
  w.u16(64); w.u16(56); w.u16(static_cast<std::uint16_t>(notes > 0xffff ? 0xffff : notes)); w.u16(64); w.u16(0); w.u16(0);
  // Notes named "X" with empty descriptors, none an OS's: every byte of
  // every range is looked at.
  while (w.out.size() + 16 <= phoff) {
    w.u32(2); w.u32(0); w.u32(1);
    w.bytes(std::string("X\0\0\0", 4));
  }
  w.pad_to(phoff);
  for (std::uint64_t i = 0; i < notes; ++i) {
    w.u32(4); w.u32(4);  // PT_NOTE, PF_R
    w.u64(notes_at); w.u64(0); w.u64(0); w.u64(notes_size); w.u64(notes_size); w.u64(4);
  }
  return w.out;
}

}  // namespace scarlet::test
