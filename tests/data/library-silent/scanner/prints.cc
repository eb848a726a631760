// A fixture for scripts/check_library_silent.cmake: line 3 prints, line 4 only formats.
#include <cstdio>
void say() { std::fprintf(stderr, "hello\n"); }
void format(char* b) { std::snprintf(b, 4, "%d", 1); }
