// The few libc facilities Swift cannot import as functions — errno (a macro), the S_IF* file
// type tests, variadic open() — as plain functions, so that the runtime's file code is the
// same Swift in the desktop build and in the Embedded Swift board build (which has no Glibc
// module). Only C scalar types here, no libc headers: nothing clashes with Glibc's own.
#ifndef DURALAVA_CPOSIX_H
#define DURALAVA_CPOSIX_H

/// errno of the calling thread.
int dl_errno(void);

/// What kind of file a stat mode describes.
typedef enum { DL_FILE_OTHER = 0, DL_FILE_REGULAR = 1, DL_FILE_DIRECTORY = 2, DL_FILE_CHARACTER_DEVICE = 3,
               DL_FILE_BLOCK_DEVICE = 4, DL_FILE_FIFO = 5, DL_FILE_SOCKET = 6, DL_FILE_SYMLINK = 7 } dl_file_kind_t;
dl_file_kind_t dl_file_kind(unsigned int mode);

/// open(path, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0644): a new file, never
/// through a link; -1 and errno on failure.
int dl_open_new_file(const char *path);

#endif
