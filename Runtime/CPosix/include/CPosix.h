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

/// open(path, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC): never through a link, never
/// blocking on a FIFO; -1 and errno on failure.
int dl_open_existing_file(const char *path);

/// 1 when no process `pid` exists (kill(pid, 0) fails with ESRCH), else 0.
int dl_process_is_gone(long pid);

/// The calling process's id.
long dl_process_id(void);

/// Temporary files of this process that a caught SIGINT, SIGTERM or SIGHUP removes before the
/// process dies of the signal (docs/reliability.md#outputs): register a path while it is
/// being written, unregister it once renamed or removed. At most 16 at a time; returns 0 when
/// the table is full (the file is then only swept on a later start).
int dl_temporary_register(const char *path);
void dl_temporary_unregister(const char *path);
/// Installs the handlers that remove the registered temporaries and then die of the signal
/// (exit status 128 + signal, as shells expect).
void dl_remove_temporaries_on_signals(void);

/// Removes this program's temporaries in `directory` whose owner is gone: names
/// `NAME.duralava-PID.partial` with a PID of no running process (never this one's). With
/// `only` non-NULL, only those of NAME == only. The removed names go to `removed`, each
/// followed by a newline (truncated at `capacity`); returns how many were removed.
int dl_sweep_temporaries(const char *directory, const char *only, char *removed, unsigned long capacity);

#endif
