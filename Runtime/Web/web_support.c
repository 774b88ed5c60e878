// What the runtime's Swift expects from libc that wasi-libc lacks (wasm_libc.h; docs/web.md):
// single-threaded pthread stand-ins (a page never starts a thread) and the clocks as
// constants. The number parsing of Embedded Swift is the board's (Runtime/Board/Embedded/).
#define DURALAVA_WEB_SUPPORT 1
#include "wasm_libc.h"

#undef CLOCK_MONOTONIC
#undef CLOCK_REALTIME
const clockid_t CLOCK_MONOTONIC = &_CLOCK_MONOTONIC;
const clockid_t CLOCK_REALTIME = &_CLOCK_REALTIME;

_Static_assert(ENOENT == 44 && EEXIST == 20, "wasm_libc.h spells ENOENT and EEXIST as these numbers");

char *realpath(const char *path, char *resolved) {
    (void)path; (void)resolved;
    errno = ENOTSUP;
    return NULL;
}

int pthread_create(pthread_t *thread, const pthread_attr_t *attr, void *(*start)(void *), void *arg) {
    (void)thread; (void)attr; (void)start; (void)arg;
    return ENOSYS;
}
int pthread_join(pthread_t thread, void **result) { (void)thread; (void)result; return 0; }
int pthread_mutex_init(pthread_mutex_t *m, const pthread_mutexattr_t *a) { (void)m; (void)a; return 0; }
int pthread_mutex_destroy(pthread_mutex_t *m) { (void)m; return 0; }
int pthread_mutex_lock(pthread_mutex_t *m) { (void)m; return 0; }
int pthread_mutex_unlock(pthread_mutex_t *m) { (void)m; return 0; }
int pthread_cond_init(pthread_cond_t *c, const pthread_condattr_t *a) { (void)c; (void)a; return 0; }
int pthread_cond_destroy(pthread_cond_t *c) { (void)c; return 0; }
int pthread_cond_wait(pthread_cond_t *c, pthread_mutex_t *m) { (void)c; (void)m; return 0; }
int pthread_cond_broadcast(pthread_cond_t *c) { (void)c; return 0; }

// The 128-bit product Swift's overflow-checked 64-bit multiplications call (compiler-rt's
// __multi3; the toolchain has no wasm32 builtins library), from 32-bit halves.
typedef unsigned __int128 dl_u128;

static dl_u128 multiply64(uint64_t a, uint64_t b) {
    const uint64_t a0 = (uint32_t)a, a1 = a >> 32, b0 = (uint32_t)b, b1 = b >> 32;
    const uint64_t p00 = a0 * b0, p01 = a0 * b1, p10 = a1 * b0, p11 = a1 * b1;
    const uint64_t mid = (p00 >> 32) + (uint32_t)p01 + (uint32_t)p10;
    const uint64_t low = (mid << 32) | (uint32_t)p00;
    const uint64_t high = p11 + (p01 >> 32) + (p10 >> 32) + (mid >> 32);
    return ((dl_u128)high << 64) | low;
}

__int128 __multi3(__int128 a, __int128 b) {
    const uint64_t al = (uint64_t)a, ah = (uint64_t)((dl_u128)a >> 64);
    const uint64_t bl = (uint64_t)b, bh = (uint64_t)((dl_u128)b >> 64);
    const dl_u128 low = multiply64(al, bl);
    const uint64_t high = (uint64_t)(low >> 64) + al * bh + ah * bl;
    return (__int128)(((dl_u128)high << 64) | (uint64_t)low);
}

// Every allocation counted (the link wraps malloc and its kin, Runtime/Web/build.sh), so that
// the tests can hold the page to the runtime's promise: a frame allocates nothing.
void *__real_malloc(size_t size);
void *__real_calloc(size_t count, size_t size);
void *__real_realloc(void *p, size_t size);
int __real_posix_memalign(void **p, size_t alignment, size_t size);
void *__real_aligned_alloc(size_t alignment, size_t size);
static double allocations;

void *__wrap_malloc(size_t size) { allocations++; return __real_malloc(size); }
void *__wrap_calloc(size_t count, size_t size) { allocations++; return __real_calloc(count, size); }
void *__wrap_realloc(void *p, size_t size) { allocations++; return __real_realloc(p, size); }
int __wrap_posix_memalign(void **p, size_t alignment, size_t size) { allocations++; return __real_posix_memalign(p, alignment, size); }
void *__wrap_aligned_alloc(size_t alignment, size_t size) { allocations++; return __real_aligned_alloc(alignment, size); }

/// Allocations since the module started.
double dl_web_allocations(void) { return allocations; }

/// Memory for the page's own bytes (a model file, a string), not counted as the runtime's.
void *dl_web_alloc(size_t size) { return __real_malloc(size); }
void dl_web_free(void *p) { free(p); }
