#include "scarlet/native_samples.h"

#include <fstream>

#include "elf_machines.h"

namespace scarlet {
namespace {

void put16(std::string& b, std::size_t at, std::uint16_t v, bool big) {
  b[at + (big ? 1 : 0)] = static_cast<char>(v & 0xff);
  b[at + (big ? 0 : 1)] = static_cast<char>(v >> 8);
}

std::string elf_header(const elf::MachineRow& row, bool big, std::uint16_t type, std::uint8_t osabi) {
  std::string b(64, '\0');
  b.replace(0, 4, ELFMAG);
  b[EI_CLASS] = static_cast<char>(row.elf_class);
  b[EI_DATA] = static_cast<char>(big ? ELFDATA2MSB : ELFDATA2LSB);
  b[EI_VERSION] = EV_CURRENT;
  b[EI_OSABI] = static_cast<char>(osabi);
  put16(b, 16, type, big);
  put16(b, 18, row.machine, big);
  b[20 + (big ? 3 : 0)] = EV_CURRENT;  // e_version
  return b;
}

// The kernel's binfmt_script runs a "#!" file with its interpreter, after
// every binfmt_misc entry had its chance: a rule on the #! lines of the
// interpreters hosts have would capture the host's own scripts.
std::vector<NativeSample> script_samples() {
  constexpr const char* kInterpreters[] = {
      "sh",  "bash", "dash",  "zsh", "ksh",   "mksh",  "csh", "tcsh", "fish", "busybox", "python", "python3", "perl",
      "ruby", "node", "nodejs", "php", "lua", "tclsh", "wish", "awk", "gawk", "sed", "make", "Rscript", "pwsh", "env"};
  std::vector<NativeSample> out;
  for (const char* name : kInterpreters) {
    for (const char* dir : {"/bin/", "/usr/bin/", "/usr/local/bin/"})
      for (const char* lead : {"#!", "#! "}) {
        std::string line = std::string(lead) + dir + name;
        out.push_back({line + " script", line + "\n"});
      }
    std::string line = std::string("#!/usr/bin/env ") + name;
    out.push_back({line + " script", line + "\n"});
  }
  return out;
}

}  // namespace

std::vector<NativeSample> native_samples(const HostAbi& host) {
  std::vector<NativeSample> out;
  for (const auto& row : elf::kMachines) {
    for (bool big : {false, true}) {
      const char* target = big ? row.big : row.little;
      if (!target || !host.runs(std::string("elf:") + target)) continue;
      for (std::uint16_t type : {std::uint16_t{ET_EXEC}, std::uint16_t{ET_DYN}})
        for (std::uint8_t osabi : {std::uint8_t{ELFOSABI_SYSV}, std::uint8_t{ELFOSABI_GNU}})
          out.push_back({std::string(target) + " ELF " + (type == ET_EXEC ? "executable" : "PIE"),
                         elf_header(row, big, type, osabi)});
    }
  }
  out.push_back({"#! script", "#!/bin/sh\n"});
  for (auto& s : script_samples()) out.push_back(std::move(s));
  return out;
}

std::vector<NativeSample> file_sample(const std::string& what, const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::string head(256, '\0');
  in.read(head.data(), static_cast<std::streamsize>(head.size()));
  if (in.gcount() <= 0) return {};
  head.resize(static_cast<std::size_t>(in.gcount()));
  return {{what, head}};
}

}  // namespace scarlet

namespace scarlet {

std::vector<NativeSample> host_program_samples() {
  std::vector<NativeSample> out;
  for (const char* path : {"/proc/self/exe", "/bin/sh", "/usr/bin/env"}) {
    auto s = file_sample(std::string("the host program ") + path, path);
    out.insert(out.end(), s.begin(), s.end());
  }
  return out;
}

}  // namespace scarlet
