#include "CPosix.h"
#include <errno.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <dirent.h>
#if !defined(__wasi__)
#include <signal.h>   // a WebAssembly page has no processes and no signals (docs/web.md)
#endif
#include <stdio.h>
#include <string.h>
#include <unistd.h>

int dl_errno(void) { return errno; }

dl_file_kind_t dl_file_kind(unsigned int mode) {
    switch (mode & S_IFMT) {
    case S_IFREG: return DL_FILE_REGULAR;
    case S_IFDIR: return DL_FILE_DIRECTORY;
    case S_IFCHR: return DL_FILE_CHARACTER_DEVICE;
    case S_IFBLK: return DL_FILE_BLOCK_DEVICE;
    case S_IFIFO: return DL_FILE_FIFO;
#if S_IFSOCK != S_IFIFO   // wasi-libc (the browser build, docs/web.md) gives both one value
    case S_IFSOCK: return DL_FILE_SOCKET;
#endif
    case S_IFLNK: return DL_FILE_SYMLINK;
    default: return DL_FILE_OTHER;
    }
}

int dl_open_new_file(const char *path) {
    return open(path, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0644);
}

int dl_open_existing_file(const char *path) {
    return open(path, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);
}

int dl_process_is_gone(long pid) {
    if (pid <= 0) return 0;
#if defined(__wasi__)
    return 0;   // no other processes to ask about: nothing is swept as theirs
#else
    return kill((pid_t)pid, 0) == -1 && errno == ESRCH;
#endif
}

long dl_process_id(void) { return (long)getpid(); }

#define DL_TEMPORARIES 16
static char temporary_paths[DL_TEMPORARIES][4096];
#if defined(__wasi__)
static volatile int temporary_used[DL_TEMPORARIES];
#else
static volatile sig_atomic_t temporary_used[DL_TEMPORARIES];
#endif

/// A slot is 0 (free), 2 (being filled: claimed atomically, so two threads never share one)
/// or 1 (a path the signal handler removes).
int dl_temporary_register(const char *path) {
    if (strlen(path) >= sizeof temporary_paths[0]) return 0;
    for (int i = 0; i < DL_TEMPORARIES; i++) {
        if (!__sync_bool_compare_and_swap(&temporary_used[i], 0, 2)) continue;
        strcpy(temporary_paths[i], path);
        __sync_synchronize();
        temporary_used[i] = 1;
        return 1;
    }
    return 0;
}

void dl_temporary_unregister(const char *path) {
    for (int i = 0; i < DL_TEMPORARIES; i++) {
        if (temporary_used[i] == 1 && strcmp(temporary_paths[i], path) == 0) { temporary_used[i] = 0; return; }
    }
}

#if defined(__wasi__)
void dl_remove_temporaries_on_signals(void) {}   // no signals in a browser
#else
static void remove_temporaries_and_die(int sig) {
    for (int i = 0; i < DL_TEMPORARIES; i++) {
        if (temporary_used[i] == 1) unlink(temporary_paths[i]);
    }
    signal(sig, SIG_DFL);
    raise(sig);
}

void dl_remove_temporaries_on_signals(void) {
    signal(SIGINT, remove_temporaries_and_die);
    signal(SIGTERM, remove_temporaries_and_die);
    signal(SIGHUP, remove_temporaries_and_die);
}
#endif

/// NAME.duralava-PID.partial → PID (and the length of NAME), or 0.
static long temporary_owner(const char *name, size_t *stem) {
    static const char suffix[] = ".partial", mark[] = ".duralava-";
    size_t n = strlen(name), ns = sizeof suffix - 1, nm = sizeof mark - 1;
    if (n <= ns + nm || strcmp(name + n - ns, suffix) != 0) return 0;
    size_t end = n - ns, start = end;
    while (start > 0 && name[start - 1] >= '0' && name[start - 1] <= '9') start--;
    if (start == end || end - start > 9 || start < nm + 1 || strncmp(name + start - nm, mark, nm) != 0) return 0;
    long pid = 0;
    for (size_t i = start; i < end; i++) pid = pid * 10 + (name[i] - '0');
    *stem = start - nm;
    return pid;
}

int dl_sweep_temporaries(const char *directory, const char *only, char *removed, unsigned long capacity) {
    DIR *d = opendir(directory);
    if (!d) return 0;
    int count = 0;
    size_t used = 0;
    if (capacity > 0) removed[0] = 0;
    struct dirent *e;
    while ((e = readdir(d)) != NULL) {
        size_t stem = 0;
        long pid = temporary_owner(e->d_name, &stem);
        if (pid == 0 || pid == (long)getpid() || !dl_process_is_gone(pid)) continue;
        if (only && (strlen(only) != stem || strncmp(only, e->d_name, stem) != 0)) continue;
        char path[4096];
        if (snprintf(path, sizeof path, "%s/%s", directory, e->d_name) >= (int)sizeof path) continue;
        struct stat st;
        if (lstat(path, &st) != 0 || !(S_ISREG(st.st_mode) || S_ISLNK(st.st_mode))) continue;
        if (unlink(path) != 0) continue;
        count++;
        size_t len = strlen(e->d_name);
        if (used + len + 2 <= capacity) {
            memcpy(removed + used, e->d_name, len);
            removed[used + len] = '\n';
            used += len + 1;
            removed[used] = 0;
        }
    }
    closedir(d);
    return count;
}
