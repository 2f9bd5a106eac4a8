/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Reading config and secret files so that what is checked is what is read:
 * one open (O_NOFOLLOW: a symlink is refused, O_NONBLOCK: a FIFO cannot
 * hang us), the checks on fstat of that descriptor, the read from that
 * descriptor.  Replacing the file after the open changes nothing we read;
 * replacing it before the open gives a file that must pass the owner check,
 * which only root or the allowed user can satisfy.
 */
#ifndef BGPS_SECFILE_H
#define BGPS_SECFILE_H

#include <stddef.h>
#include <sys/stat.h>
#include <sys/types.h>

#define SECFILE_MAX (16u * 1024 * 1024)

/*
 * Open path and check the descriptor: a regular file, owned by root or
 * allowed_uid, not group- or world-writable, and when must_be_private not
 * world-readable either (0600 and 0640 pass).  On success *fd is open and
 * *st describes it; -1 with one line in err otherwise.
 */
int secfile_open(const char *path, int must_be_private, uid_t allowed_uid,
		 int *fd, struct stat *st, char *err, size_t errlen);
/* Read all of fd (at most SECFILE_MAX bytes) into a malloc'd buffer with a
 * NUL after the *len bytes.  path names the file in messages only. */
int secfile_read_fd(int fd, const char *path, char **buf, size_t *len,
		    char *err, size_t errlen);
/* The later check for a file found to hold secrets after it was read:
 * st from secfile_open(), never a new stat of path. */
int secfile_check_private(const char *path, const struct stat *st,
			  char *err, size_t errlen);
/* secfile_open + secfile_read_fd + close. */
int secfile_read(const char *path, int must_be_private, uid_t allowed_uid,
		 char **buf, size_t *len, char *err, size_t errlen);
/* Zero (in a way the compiler keeps) and free a buffer that held secrets. */
void secfile_wipe(char *buf, size_t len);

#endif
