/* follow.c - see follow.h.
 *
 * After each read to the end, the path is checked: another inode there means
 * the file was renamed away and a new one created (the old one was read to
 * its end first); a file shorter than our offset, or whose first bytes are no
 * longer the ones it was identified by, was truncated (copytruncate).  Either
 * way the path is opened afresh and its mark looked up again. */
#include "follow.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "../util/hash.h"
#include "file.h"
#include "mark.h"


struct follower {
	char path[1024];
	struct linereader *r;
	struct file_mark mark;
	uint64_t lineno;
	uint64_t rotations;
	int caught_up; /* rotated copies looked at, once, at the first poll */
};

struct follower *follower_new(const char *path)
{
	struct follower *f = calloc(1, sizeof *f);
	if (f)
		snprintf(f->path, sizeof f->path, "%s", path);
	return f;
}

void follower_free(struct follower *f)
{
	if (!f)
		return;
	lr_close(f->r);
	free(f);
}

const char *follower_path(const struct follower *f) { return f->path; }
uint64_t follower_rotations(const struct follower *f) { return f->rotations; }

static void close_reader(struct follower *f)
{
	lr_close(f->r);
	f->r = NULL;
}

/* Open the path; 0 with f->r set, 0 with f->r NULL when there is nothing to
 * read yet (missing or empty: an empty file has no identity), -1 on error. */
static int open_reader(struct follower *f, struct store *st, char *err, size_t errlen)
{
	struct stat sb;
	if (stat(f->path, &sb)) {
		if (errno == ENOENT)
			return 0;
		snprintf(err, errlen, "%s: %s", f->path, strerror(errno));
		return -1;
	}
	if (sb.st_size == 0)
		return 0;
	f->r = lr_open(f->path, err, errlen);
	if (!f->r)
		return -1;
	if (lr_is_gzip(f->r)) {
		snprintf(err, errlen, "%s: compressed files cannot be followed", f->path);
		close_reader(f);
		return -1;
	}
	if (mark_find(st, f->path, f->r, &f->mark, err, errlen)) {
		close_reader(f);
		return -1;
	}
	f->lineno = f->mark.lines;
	return 0;
}

/* Has the file at our path been replaced or truncated? */
static int rotated(struct follower *f)
{
	struct stat sb;
	if (stat(f->path, &sb))
		return 0; /* renamed away, new one not created yet: keep reading the old */
	if ((uint64_t)sb.st_dev != lr_dev(f->r) || (uint64_t)sb.st_ino != lr_ino(f->r))
		return 1;
	if ((uint64_t)sb.st_size < lr_offset(f->r))
		return 1;
	/* Truncated and refilled past our offset between two polls: the first
	 * bytes changed. */
	unsigned char head[STORE_FP_MAX];
	int fd = open(f->path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return 0;
	ssize_t k = pread(fd, head, f->mark.fp_len, 0);
	close(fd);
	return k == (ssize_t)f->mark.fp_len && hash_bytes(head, (size_t)k, 0) != f->mark.fp;
}

static void save(struct follower *f)
{
	mark_here(&f->mark, f->r, f->lineno);
}

/* The part logrotate adds to a name: ".1", ".12", "-20240311", optionally
 * followed by ".gz" (so "syslog-ng.log" is not a copy of "syslog"). */
static int rotated_suffix(const char *s)
{
	if (*s != '.' && *s != '-')
		return 0;
	s++;
	size_t digits = strspn(s, "0123456789");
	if (!digits)
		return 0;
	s += digits;
	return !*s || !strcmp(s, ".gz");
}

/* Lines added to the file while we were stopped, after which it was
 * rotated away: its rotated copy (PATH.1, PATH-20240311, ...) is a file we
 * have a mark for and have not read to its end.  Read that rest first. */
static long catch_up(struct follower *f, struct store *st, follow_line_fn fn, void *arg)
{
	char dir[1024], base[1024];
	const char *slash = strrchr(f->path, '/');
	snprintf(dir, sizeof dir, "%.*s", slash ? (int)(slash - f->path) : 1,
		 slash ? f->path : ".");
	if (slash && slash == f->path)
		snprintf(dir, sizeof dir, "/");
	snprintf(base, sizeof base, "%s", slash ? slash + 1 : f->path);
	size_t bl = strlen(base);
	DIR *d = opendir(dir);
	if (!d)
		return 0;
	long got = 0;
	struct dirent *e;
	int looked = 0;
	while ((e = readdir(d)) && looked < 64) {
		if (strncmp(e->d_name, base, bl) || !rotated_suffix(e->d_name + bl))
			continue;
		looked++;
		char path[2400], err[512];
		snprintf(path, sizeof path, "%s/%s", dir, e->d_name);
		struct linereader *r = lr_open(path, err, sizeof err);
		if (!r)
			continue;
		struct follower tmp = { .r = r };
		/* only a file we read before and whose rest is still unread */
		if (mark_find(st, path, r, &tmp.mark, err, sizeof err) || !tmp.mark.id ||
		    !tmp.mark.offset) {
			lr_close(r);
			continue;
		}
		struct line l;
		long this_file = 0;
		tmp.lineno = tmp.mark.lines;
		while (lr_next(r, &l, err, sizeof err) == 1) {
			tmp.lineno++;
			this_file++;
			fn(arg, path, l.p, l.n, tmp.lineno, l.too_long);
		}
		if (this_file) {
			save(&tmp);
			/* A mark that cannot be saved fails the batch it is in
			 * (the store rolls it back), so nothing is doubled. */
			store_file_save(st, &tmp.mark);
			got += this_file;
		}
		lr_close(r);
	}
	closedir(d);
	return got;
}

long follower_poll(struct follower *f, struct store *st, follow_line_fn fn, void *arg,
		   long max_lines, char *err, size_t errlen)
{
	long got = 0;
	if (!f->caught_up) {
		f->caught_up = 1;
		got += catch_up(f, st, fn, arg);
	}
	/* The file may have been replaced since the last look, and a truncated
	 * one refilled past our offset: check before reading on. */
	if (f->r && rotated(f)) {
		f->rotations++;
		close_reader(f);
	}
	for (int pass = 0; pass < 2 && got < max_lines; pass++) {
		if (!f->r) {
			if (open_reader(f, st, err, errlen))
				return -1;
			if (!f->r)
				break;
		}
		struct line l;
		int rc = 0;
		long this_file = 0;
		while (got < max_lines && (rc = lr_next(f->r, &l, err, errlen)) == 1) {
			f->lineno++;
			got++;
			this_file++;
			fn(arg, f->path, l.p, l.n, f->lineno, l.too_long);
		}
		if (this_file) {
			save(f);
			if (store_file_save(st, &f->mark)) {
				snprintf(err, errlen, "%s", store_errmsg(st));
				return -1;
			}
		}
		if (got >= max_lines)
			break;
		if (rc < 0) {
			close_reader(f);
			return -1;
		}
		/* At the end: read on later, or start over on a rotated file. */
		if (!rotated(f)) {
			lr_more(f->r);
			break;
		}
		f->rotations++;
		close_reader(f);
	}
	return got;
}
