// Shell snippets for sandbox scripts that make /usr/lib/jvm hold only what a
// test needs, so that no test depends on the JVMs this machine happens to
// have (a Temurin 25 that no Debian package owns, say): a fresh Debian 12
// machine has only OpenJDK 17, the default /usr/bin/java.
// Thread-safety: constants.
#pragma once

#include <string>

namespace scarlet::test {

// Mounts a tmpfs over /usr/lib/jvm (in the sandbox's own mount namespace)
// holding the default JDK only, bind-mounted under its own name; sets $JDK
// to the real JDK directory (reachable at $T/orig-jvm/NAME) and $JDK_NAME.
inline const std::string kOnlyDefaultJvm = R"SH(
JDK=$(readlink -f /usr/bin/java); JDK=${JDK%/bin/java}; JDK_NAME=${JDK##*/}
mkdir -p $T/orig-jvm && mount --bind /usr/lib/jvm $T/orig-jvm && JDK=$T/orig-jvm/$JDK_NAME
mount -t tmpfs -o mode=755 jvms /usr/lib/jvm
mkdir /usr/lib/jvm/$JDK_NAME && mount --bind $JDK /usr/lib/jvm/$JDK_NAME
)SH";

}  // namespace scarlet::test
