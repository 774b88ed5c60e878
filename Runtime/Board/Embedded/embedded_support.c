// What the Embedded Swift standard library expects from its platform when it parses numbers
// (Double("1.5") in the board's argument parser): the runtime stubs of desktop Swift, on libc.
// The board program never calls setlocale, so strtod's locale is "C".
#include <errno.h>
#include <stdlib.h>

const char *_swift_stdlib_strtod_clocale(const char *text, double *result) {
    char *end;
    errno = 0;
    *result = strtod(text, &end);
    return errno == ERANGE ? NULL : end;
}

const char *_swift_stdlib_strtof_clocale(const char *text, float *result) {
    char *end;
    errno = 0;
    *result = strtof(text, &end);
    return errno == ERANGE ? NULL : end;
}
