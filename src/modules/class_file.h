// What a Java class file's version says, shared by the class and jar
// modules: the header is u4 magic 0xCAFEBABE, u2 minor, u2 major (JVM spec,
// chapter 4).
#pragma once

#include <cstdint>

namespace scarlet::class_file {

// The Java feature release that introduced class-file version `major`: 49
// is Java 5, 61 Java 17, 69 Java 25 (JVM spec, table 4.1-A); 45 to 48 are
// Java 1.0 to 1.4, which every JVM runs.
inline int java_feature(std::uint16_t major) { return major >= 49 ? major - 44 : 1; }

}  // namespace scarlet::class_file
