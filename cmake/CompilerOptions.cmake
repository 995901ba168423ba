# Warnings and sanitizers for our own targets (not for third-party code).
add_library(scarlet_options INTERFACE)
target_compile_options(scarlet_options INTERFACE -Wall -Wextra -Wshadow -Wnon-virtual-dtor
                       $<$<BOOL:${SCARLET_WERROR}>:-Werror>)

if(SCARLET_SANITIZE OR SCARLET_FUZZ)
  set(sanitizers address,undefined)
  target_compile_options(scarlet_options INTERFACE -fsanitize=${sanitizers}
                         -fno-sanitize-recover=all -fno-omit-frame-pointer)
  target_link_options(scarlet_options INTERFACE -fsanitize=${sanitizers})
endif()
if(SCARLET_FUZZ)
  # Instrument our code for coverage; each fuzz target adds the libFuzzer main.
  target_compile_options(scarlet_options INTERFACE -fsanitize=fuzzer-no-link)
endif()

find_program(CCACHE ccache)
if(CCACHE)
  set(CMAKE_C_COMPILER_LAUNCHER ${CCACHE})
  set(CMAKE_CXX_COMPILER_LAUNCHER ${CCACHE})
endif()
