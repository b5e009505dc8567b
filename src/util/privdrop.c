/* privdrop.c - see privdrop.h. */
#include "privdrop.h"

#include <errno.h>
#include <grp.h>
#include <pwd.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

int privdrop(const char *cmd, const char *user)
{
	if (geteuid() != 0) {
		struct passwd *me = getpwuid(geteuid());
		if (user && (!me || strcmp(me->pw_name, user))) {
			fprintf(stderr, "portlog %s: --user %s needs %s to be started as root\n", cmd,
				user, cmd);
			return -1;
		}
		return 0;
	}
	if (!user)
		user = "portlog";
	if (!strcmp(user, "root"))
		return 0;
	errno = 0;
	struct passwd *pw = getpwnam(user);
	if (!pw) {
		fprintf(stderr,
			"portlog %s: user '%s' does not exist: create it (useradd --system "
			"--home-dir /var/lib/portlog %s) or run with --user root (not advised)\n",
			cmd, user, user);
		return -1;
	}
	if (setgroups(0, NULL) || setgid(pw->pw_gid) || setuid(pw->pw_uid)) {
		fprintf(stderr, "portlog %s: cannot become user '%s': %s\n", cmd, user,
			strerror(errno));
		return -1;
	}
	if (setuid(0) == 0) { /* the drop must be permanent */
		fprintf(stderr, "portlog %s: still able to regain root after becoming '%s'\n", cmd,
			user);
		return -1;
	}
	return 0;
}
