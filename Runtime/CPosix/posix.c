#include "CPosix.h"
#include <errno.h>
#include <fcntl.h>
#include <sys/stat.h>

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
