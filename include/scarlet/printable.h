// Text from a file (a class name, a manifest value, an ELF interpreter) made
// safe to print on a terminal: control characters, C1 controls and bytes
// that are not UTF-8 become \xHH, so a hostile file cannot send escape
// sequences to whoever reads a message about it (issue 11, finding 7).
// Thread-safety: a pure function.
#pragma once

#include <string>
#include <string_view>

namespace scarlet {

// `text` with every byte below 0x20 (tab included), DEL, every UTF-8
// encoded C1 control (U+0080 to U+009F) and every byte outside valid UTF-8
// written as \xHH, and a backslash as \\ (so the result reads back
// unambiguously). Valid UTF-8 beyond that is kept as it is.
std::string printable(std::string_view text);

}  // namespace scarlet
