// The shim's entry point, ahead of the C library's (see fast_entry.cc).
// Thread-safety: read once, by main, in a single-threaded process.
#pragma once

namespace scarlet::shim::fast {

// True when the fast path asked the daemon and got no usable answer (none
// within the deadline, or none at all): the full shim then decides alone at
// once instead of waiting for the daemon a second time.
bool daemon_did_not_answer() noexcept;

}  // namespace scarlet::shim::fast
