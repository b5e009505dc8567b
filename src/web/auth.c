/* auth.c - who may change things: the password, sessions and CSRF tokens.
 *
 * The password is stored as libsodium's crypto_pwhash_str() (Argon2id, salt
 * and limits inside the string) in DB.passwd, mode 0600, written by
 * `portlog passwd`.  A session is a random 256-bit id kept in memory only
 * (a restart logs everyone out) and sent in an HttpOnly SameSite=Strict
 * cookie; each session has its own random CSRF token, which every
 * state-changing request must echo in the X-CSRF-Token header. */
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <sodium.h>

#include "web_priv.h"

void web_passwd_path(const char *db, char *buf, size_t n)
{
	snprintf(buf, n, "%s.passwd", db);
}

int web_passwd_exists(const char *db)
{
	char p[1100];
	web_passwd_path(db, p, sizeof p);
	struct stat sb;
	return stat(p, &sb) == 0 && sb.st_size > 0;
}

int web_passwd_set(const char *db, const char *password, char *err, size_t errlen)
{
	if (sodium_init() < 0) {
		snprintf(err, errlen, "libsodium did not start");
		return -1;
	}
	char hash[crypto_pwhash_STRBYTES];
	if (crypto_pwhash_str(hash, password, strlen(password), crypto_pwhash_OPSLIMIT_INTERACTIVE,
			      crypto_pwhash_MEMLIMIT_INTERACTIVE)) {
		snprintf(err, errlen, "out of memory hashing the password");
		return -1;
	}
	char p[1100], tmp[1200];
	web_passwd_path(db, p, sizeof p);
	snprintf(tmp, sizeof tmp, "%s.new", p);
	int fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	if (fd < 0) {
		snprintf(err, errlen, "cannot write %s: %s", tmp, strerror(errno));
		return -1;
	}
	size_t n = strlen(hash);
	int bad = write(fd, hash, n) != (ssize_t)n || write(fd, "\n", 1) != 1 || fsync(fd);
	bad |= close(fd);
	if (bad || rename(tmp, p)) {
		snprintf(err, errlen, "cannot write %s: %s", p, strerror(errno));
		unlink(tmp);
		return -1;
	}
	sodium_memzero(hash, sizeof hash);
	return 0;
}

int auth_init(struct auth *a, const char *db)
{
	memset(a, 0, sizeof *a);
	if (sodium_init() < 0)
		return -1;
	pthread_mutex_init(&a->lock, NULL);
	pthread_mutex_init(&a->verify_lock, NULL);
	web_passwd_path(db, a->path, sizeof a->path);
	a->mtime_ns = -2;
	auth_reload(a);
	return 0;
}

void auth_free(struct auth *a)
{
	sodium_memzero(a->s, sizeof a->s);
	pthread_mutex_destroy(&a->lock);
	pthread_mutex_destroy(&a->verify_lock);
}

void auth_reload(struct auth *a)
{
	struct stat sb;
	int64_t mt = stat(a->path, &sb) ? -1
					 : (int64_t)sb.st_mtim.tv_sec * 1000000000 + sb.st_mtim.tv_nsec;
	pthread_mutex_lock(&a->lock);
	if (mt != a->mtime_ns) {
		char h[sizeof a->hash] = "";
		FILE *f = mt >= 0 ? fopen(a->path, "re") : NULL;
		if (f) {
			if (!fgets(h, sizeof h, f))
				h[0] = 0;
			fclose(f);
			h[strcspn(h, "\r\n")] = 0;
		}
		if (strcmp(h, a->hash)) /* a new password ends every session */
			memset(a->s, 0, sizeof a->s);
		memcpy(a->hash, h, sizeof h);
		a->mtime_ns = mt;
	}
	pthread_mutex_unlock(&a->lock);
}

int auth_has_password(struct auth *a)
{
	pthread_mutex_lock(&a->lock);
	int has = a->hash[0] != 0;
	pthread_mutex_unlock(&a->lock);
	return has;
}

int auth_token_cmp(const char *a, const char *b)
{
	size_t n = strlen(a);
	if (n != AUTH_TOKEN_HEX || strlen(b) != n)
		return -1;
	return sodium_memcmp(a, b, n);
}

int auth_session_find(struct auth *a, const char *cookie, char *csrf)
{
	if (!cookie || strlen(cookie) != AUTH_TOKEN_HEX)
		return -1;
	int64_t now = (int64_t)time(NULL), found = -1;
	pthread_mutex_lock(&a->lock);
	for (int i = 0; i < AUTH_SESSIONS; i++) {
		struct auth_session *s = &a->s[i];
		if (!s->id[0] || auth_token_cmp(s->id, cookie))
			continue;
		if (s->expires_s <= now) {
			memset(s, 0, sizeof *s);
			break;
		}
		memcpy(csrf, s->csrf, sizeof s->csrf);
		found = i;
		break;
	}
	pthread_mutex_unlock(&a->lock);
	return found >= 0 ? 0 : -1;
}

static void random_hex(char *out)
{
	unsigned char b[AUTH_TOKEN_HEX / 2];
	randombytes_buf(b, sizeof b);
	sodium_bin2hex(out, AUTH_TOKEN_HEX + 1, b, sizeof b);
}

void auth_session_new(struct auth *a, char *id, char *csrf)
{
	random_hex(id);
	random_hex(csrf);
	int64_t now = (int64_t)time(NULL);
	pthread_mutex_lock(&a->lock);
	int slot = 0; /* a free or expired slot, else the oldest */
	for (int i = 0; i < AUTH_SESSIONS; i++) {
		if (!a->s[i].id[0] || a->s[i].expires_s <= now) {
			slot = i;
			break;
		}
		if (a->s[i].created_s < a->s[slot].created_s)
			slot = i;
	}
	struct auth_session *s = &a->s[slot];
	memcpy(s->id, id, AUTH_TOKEN_HEX + 1);
	memcpy(s->csrf, csrf, AUTH_TOKEN_HEX + 1);
	s->created_s = now;
	s->expires_s = now + AUTH_SESSION_S;
	pthread_mutex_unlock(&a->lock);
}

void auth_session_end(struct auth *a, const char *id)
{
	pthread_mutex_lock(&a->lock);
	for (int i = 0; i < AUTH_SESSIONS; i++)
		if (a->s[i].id[0] && !auth_token_cmp(a->s[i].id, id))
			memset(&a->s[i], 0, sizeof a->s[i]);
	pthread_mutex_unlock(&a->lock);
}

int auth_password_ok(struct auth *a, const char *pw)
{
	char hash[sizeof a->hash];
	pthread_mutex_lock(&a->lock);
	memcpy(hash, a->hash, sizeof hash);
	pthread_mutex_unlock(&a->lock);
	if (!hash[0])
		return -1;
	pthread_mutex_lock(&a->verify_lock);
	int rc = crypto_pwhash_str_verify(hash, pw, strlen(pw)) == 0 ? 0 : -1;
	pthread_mutex_unlock(&a->verify_lock);
	return rc;
}
