/* passwd.c - `portlog passwd`: set the web dashboard's password.
 *
 * Read from the terminal without echo (twice), or one line from standard
 * input when it is not a terminal (scripts).  Stored beside the database as
 * an Argon2id hash (web/auth.c); a running serve picks it up at the next
 * request and ends the sessions it had. */
#include <getopt.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

#include <sodium.h>

#include "../web/web.h"
#include "common.h"

static const char usage[] =
	"usage: portlog passwd [--db PATH]\n"
	"\n"
	"Set the password of the web dashboard (portlog serve --web).  Without one the\n"
	"dashboard only listens on loopback; with one, it asks for it.  Reads it twice\n"
	"from the terminal, or once from standard input when that is not a terminal.\n"
	"\n"
	"  --db PATH        database (the password is kept in PATH.passwd, mode 0600)\n"
	"  --config FILE    configuration file\n"
	"  -h, --help       this help\n";

enum { PW_MIN = 8, PW_MAX = 256 };

static int read_line(const char *prompt, char *buf, size_t n)
{
	int tty = isatty(STDIN_FILENO);
	struct termios old, quiet;
	if (tty) {
		fputs(prompt, stderr);
		tcgetattr(STDIN_FILENO, &old);
		quiet = old;
		quiet.c_lflag &= ~(tcflag_t)ECHO;
		tcsetattr(STDIN_FILENO, TCSAFLUSH, &quiet);
	}
	char *r = fgets(buf, (int)n, stdin);
	if (tty) {
		tcsetattr(STDIN_FILENO, TCSAFLUSH, &old);
		fputc('\n', stderr);
	}
	if (!r)
		return -1;
	size_t len = strcspn(buf, "\r\n");
	if (buf[len] == 0 && len == n - 1)
		return -2; /* longer than the buffer */
	buf[len] = 0;
	return 0;
}

int cmd_passwd(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "db", required_argument, NULL, 'd' },
		{ "config", required_argument, NULL, 'c' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const char *db = NULL, *config = NULL;
	int c;
	while ((c = getopt_long(argc, argv, "h", longopts, NULL)) != -1) {
		switch (c) {
		case 'd': db = optarg; break;
		case 'c': config = optarg; break;
		case 'h': fputs(usage, stdout); return EXIT_OK;
		default: fputs(usage, stderr); return EXIT_USAGE;
		}
	}
	if (optind < argc)
		die_usage("passwd", "unexpected argument '%s'", argv[optind]);
	struct conf conf;
	char err[1024];
	if (conf_load(&conf, config, err, sizeof err)) {
		fprintf(stderr, "portlog passwd: %s\n", err);
		return EXIT_ERR;
	}
	const char *path = db_path(db, &conf, 1);
	char pw[PW_MAX + 2], again[PW_MAX + 2];
	int rc = read_line("New dashboard password: ", pw, sizeof pw);
	if (rc == -2 || (rc == 0 && strlen(pw) > PW_MAX)) {
		warnx_cmd("passwd", "at most %d characters", PW_MAX);
		return EXIT_ERR;
	}
	if (rc || strlen(pw) < PW_MIN) {
		warnx_cmd("passwd", "a password of at least %d characters, please", PW_MIN);
		return EXIT_ERR;
	}
	if (isatty(STDIN_FILENO)) {
		if (read_line("Again: ", again, sizeof again) || strcmp(pw, again)) {
			warnx_cmd("passwd", "the two did not match; nothing changed");
			return EXIT_ERR;
		}
		sodium_memzero(again, sizeof again);
	}
	rc = web_passwd_set(path, pw, err, sizeof err);
	sodium_memzero(pw, sizeof pw);
	if (rc) {
		warnx_cmd("passwd", "%s", err);
		return EXIT_ERR;
	}
	char where[1100];
	web_passwd_path(path, where, sizeof where);
	printf("password set (%s); a running serve uses it from its next request\n", where);
	return EXIT_OK;
}
