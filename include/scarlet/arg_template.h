// Argument templates: the registry's "args" lists, with placeholders.
//
//   {binary}     the program's path as the user named it
//   {binary_fd}  /dev/fd/N of the file the kernel actually opened (immune to
//                the path being swapped after exec; the runtime inherits N)
//   {argv0}      the argv[0] the user gave
//   {args}       the remaining arguments, one element each; must stand alone
//   {runtime}    the checked runtime path, for a "via" launcher
//   {class} {classpath} {main_class}   offered by the Java modules
//
// "{{" and "}}" are literal braces.
// Thread-safety: pure functions.
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "scarlet/status.h"

namespace scarlet {

// Why `arg` is not a valid template element; ok if it is.
Status check_arg_template(std::string_view arg);

// Expands one template list. `lookup` gives a placeholder's value (nullopt if
// this invocation has none); `rest` replaces {args}.
using PlaceholderLookup = std::function<std::optional<std::string>(std::string_view name)>;
Result<std::vector<std::string>> expand_arg_template(const std::vector<std::string>& templ,
                                                     const PlaceholderLookup& lookup,
                                                     const std::vector<std::string>& rest);

}  // namespace scarlet
