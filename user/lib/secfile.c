// SPDX-License-Identifier: GPL-2.0-only
/*
 * Secure file loading.  The ExaBGP 5.0 class of bug (check a path, then
 * open it again) cannot happen here: the only name lookup is the open, all
 * checks use fstat of the descriptor it returned, and the content comes
 * from that same descriptor.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "secfile.h"

int secfile_check_private(const char *path, const struct stat *st,
			  char *err, size_t errlen)
{
	if (st->st_mode & S_IROTH) {
		snprintf(err, errlen,
			 "%s is readable by everyone and holds secrets: "
			 "chmod o-r %s",
			 path, path);
		return -1;
	}
	return 0;
}

static int secfile_check(const char *path, const struct stat *st,
			 int must_be_private, uid_t allowed_uid, char *err,
			 size_t errlen)
{
	int g, o;

	if (!S_ISREG(st->st_mode)) {
		snprintf(err, errlen, "%s is not a regular file", path);
		return -1;
	}
	if (st->st_uid != 0 && st->st_uid != allowed_uid) {
		if (allowed_uid == 0)
			snprintf(err, errlen,
				 "%s is owned by uid %u; it must be owned by "
				 "root: chown root %s",
				 path, (unsigned int)st->st_uid, path);
		else
			snprintf(err, errlen,
				 "%s is owned by uid %u; it must be owned by "
				 "root or uid %u: chown root %s",
				 path, (unsigned int)st->st_uid,
				 (unsigned int)allowed_uid, path);
		return -1;
	}
	/* Whoever can write the file can rewrite the guard's allowlist. */
	if (st->st_mode & (S_IWGRP | S_IWOTH)) {
		g = st->st_mode & S_IWGRP;
		o = st->st_mode & S_IWOTH;
		snprintf(err, errlen, "%s is writable by %s: chmod go-w %s",
			 path,
			 g && o ? "its group and everyone" :
			 g      ? "its group" :
				  "everyone",
			 path);
		return -1;
	}
	if (must_be_private)
		return secfile_check_private(path, st, err, errlen);
	return 0;
}

static void secfile_open_error(const char *path, int e, char *err,
			       size_t errlen)
{
	char target[256];
	ssize_t n;

	if (e != ELOOP) {
		snprintf(err, errlen, "%s: cannot open: %s", path,
			 strerror(e));
		return;
	}
	/* readlink only for the message: nothing is read through it. */
	n = readlink(path, target, sizeof(target) - 1);
	if (n > 0) {
		target[n] = 0;
		snprintf(err, errlen,
			 "%s is a symbolic link (to %s); bgpshield opens "
			 "config and secret files only by their real path",
			 path, target);
	} else {
		snprintf(err, errlen,
			 "%s is a symbolic link; bgpshield opens config and "
			 "secret files only by their real path",
			 path);
	}
}

int secfile_open(const char *path, int must_be_private, uid_t allowed_uid,
		 int *fd, struct stat *st, char *err, size_t errlen)
{
	int f;

	*fd = -1;
	f = open(path,
		 O_RDONLY | O_NOFOLLOW | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
	if (f < 0) {
		secfile_open_error(path, errno, err, errlen);
		return -1;
	}
	if (fstat(f, st) < 0) {
		snprintf(err, errlen, "%s: fstat: %s", path, strerror(errno));
		close(f);
		return -1;
	}
	if (secfile_check(path, st, must_be_private, allowed_uid, err,
			  errlen) < 0) {
		close(f);
		return -1;
	}
	*fd = f;
	return 0;
}

int secfile_read_fd(int fd, const char *path, char **buf, size_t *len,
		    char *err, size_t errlen)
{
	size_t cap = 4096, n = 0;
	char *b, *nb;
	ssize_t r;

	*buf = NULL;
	*len = 0;
	b = malloc(cap);
	if (!b) {
		snprintf(err, errlen, "%s: out of memory", path);
		return -1;
	}
	for (;;) {
		if (n == cap - 1) {
			/* Room for one byte over the cap, to see it: fstat's
			 * size is never trusted (the file may grow). */
			nb = realloc(b, cap * 2 > SECFILE_MAX + 2 ?
						SECFILE_MAX + 2 :
						cap * 2);
			if (!nb) {
				snprintf(err, errlen, "%s: out of memory",
					 path);
				secfile_wipe(b, n);
				return -1;
			}
			b = nb;
			cap = cap * 2 > SECFILE_MAX + 2 ? SECFILE_MAX + 2 :
							  cap * 2;
		}
		r = read(fd, b + n, cap - 1 - n);
		if (r < 0) {
			if (errno == EINTR)
				continue;
			snprintf(err, errlen, "%s: read: %s", path,
				 strerror(errno));
			secfile_wipe(b, n);
			return -1;
		}
		if (r == 0)
			break;
		n += r;
		if (n > SECFILE_MAX) {
			snprintf(err, errlen, "%s is larger than %u MiB", path,
				 SECFILE_MAX >> 20);
			secfile_wipe(b, n);
			return -1;
		}
	}
	b[n] = 0;
	*buf = b;
	*len = n;
	return 0;
}

int secfile_read(const char *path, int must_be_private, uid_t allowed_uid,
		 char **buf, size_t *len, char *err, size_t errlen)
{
	struct stat st;
	int fd, r;

	*buf = NULL;
	*len = 0;
	if (secfile_open(path, must_be_private, allowed_uid, &fd, &st, err,
			 errlen) < 0)
		return -1;
	r = secfile_read_fd(fd, path, buf, len, err, errlen);
	close(fd);
	return r;
}

void secfile_wipe(char *buf, size_t len)
{
	if (!buf)
		return;
	explicit_bzero(buf, len);
	free(buf);
}
