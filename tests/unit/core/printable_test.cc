#include "scarlet/printable.h"

#include <catch2/catch.hpp>

using scarlet::printable;

TEST_CASE("printable: terminal escapes from a file are written out, not sent (issue 11, finding 7)", "[printable]") {
  CHECK(printable("com.example.Hello") == "com.example.Hello");
  CHECK(printable("\x1b]0;owned\x07\x1b[2J") == "\\x1b]0;owned\\x07\\x1b[2J");
  CHECK(printable("a\tb\nc\x7f") == "a\\x09b\\x0ac\\x7f");
  CHECK(printable("\xc2\x9b" "31m") == "\\xc2\\x9b31m");  // C1 CSI, UTF-8 encoded
  CHECK(printable("\x9b" "31m") == "\\x9b31m");          // and raw
  CHECK(printable("Gr\xc3\xbc\xc3\x9f" "e \xe2\x82\xac \xf0\x9f\x98\x80") == "Gr\xc3\xbc\xc3\x9f" "e \xe2\x82\xac \xf0\x9f\x98\x80");
  CHECK(printable("\xc3") == "\\xc3");  // cut short
  CHECK(printable("a\\x1b") == "a\\\\x1b");
}
