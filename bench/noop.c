// bench-noop: the runtime every exec-overhead variant ends in. It does
// nothing, so what a variant costs beyond the direct binfmt_misc entry is
// the dispatch path alone.
int main(void) { return 0; }
