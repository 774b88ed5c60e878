// The libc of the browser build (docs/web.md): wasi-libc's headers, plus the two things the
// runtime's Swift uses that wasi-libc (Debian's 2022 snapshot, single-threaded) spells
// differently — pthreads, which it lacks, and CLOCK_MONOTONIC, which it defines as an address
// Swift cannot import — and a few spellings Swift's importer needs: FILE as a complete type,
// errno values as plain numbers, realpath (WASI has no absolute paths; it fails). The page
// never starts a thread (its animator is unthreaded); the pthread functions here are
// web_support.c's single-threaded stand-ins. The page never opens a file either: a model
// arrives as bytes (Runtime/Web/WebMain.swift).
#ifndef DURALAVA_WASM_LIBC_H
#define DURALAVA_WASM_LIBC_H
// FILE complete (its layout is never used: Swift only needs a type to point to).
struct _IO_FILE { char __x; };
#define __DEFINED_struct__IO_FILE
#include <stdint.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <errno.h>
#include <fcntl.h>
#include <unistd.h>
#include <time.h>
#include <sys/stat.h>

char *realpath(const char *path, char *resolved);

#ifndef DURALAVA_WEB_SUPPORT
// wasi-libc's values, as literals (its own are UINT16_C(...) expressions).
#undef ENOENT
#define ENOENT 44
#undef EEXIST
#define EEXIST 20
#undef SEEK_SET
#define SEEK_SET 0
#endif

typedef struct { int unused; } pthread_t;
typedef struct { int unused; } pthread_attr_t;
typedef struct { int unused; } pthread_mutex_t;
typedef struct { int unused; } pthread_mutexattr_t;
typedef struct { int unused; } pthread_cond_t;
typedef struct { int unused; } pthread_condattr_t;
/// Fails with ENOSYS: a page has one thread (BackgroundJob is never made there).
int pthread_create(pthread_t *thread, const pthread_attr_t *attr, void *(*start)(void *), void *arg);
int pthread_join(pthread_t thread, void **result);
int pthread_mutex_init(pthread_mutex_t *mutex, const pthread_mutexattr_t *attr);
int pthread_mutex_destroy(pthread_mutex_t *mutex);
int pthread_mutex_lock(pthread_mutex_t *mutex);
int pthread_mutex_unlock(pthread_mutex_t *mutex);
int pthread_cond_init(pthread_cond_t *cond, const pthread_condattr_t *attr);
int pthread_cond_destroy(pthread_cond_t *cond);
int pthread_cond_wait(pthread_cond_t *cond, pthread_mutex_t *mutex);
int pthread_cond_broadcast(pthread_cond_t *cond);

#ifndef DURALAVA_WEB_SUPPORT
#undef CLOCK_MONOTONIC
#undef CLOCK_REALTIME
/// wasi-libc's clocks as constants Swift imports.
extern const clockid_t CLOCK_MONOTONIC;
extern const clockid_t CLOCK_REALTIME;
#endif
#endif
