/* api_homenet.c - home networks in the API (docs/api.md):
 *
 *   GET    /api/homenet             the list: configured and stored
 *   POST   /api/homenet             cidr=NET/BITS&note=TEXT: store one
 *   DELETE /api/homenet?cidr=...    remove a stored one
 *
 * The rule is cmd/homenet.h's: the configured networks (portlog.conf or
 * --home-net) are shown but not changed here, since the dashboard does not
 * rewrite the user's file; stored ones are added and removed.  After a
 * change serve is told (home_changed) and classifies the next message with
 * the new list.  Session, CSRF token and Origin are checked by server.c for
 * POST and DELETE alike. */
#include <string.h>

#include "../classify/netset.h"
#include "../cmd/homenet.h"
#include "api_priv.h"

struct homenet_out {
	FILE *f;
	int n;
};

static void row(struct homenet_out *o, const char *cidr, const char *from, const char *note,
		int64_t added_s, int removable)
{
	fprintf(o->f, "%s{\"cidr\":", o->n++ ? "," : "");
	jstr(o->f, cidr);
	jfield(o->f, "from", from);
	jfield(o->f, "note", note);
	fputs(",\"added\":", o->f);
	jtime(o->f, added_s * 1000000);
	fprintf(o->f, ",\"removable\":%s}", removable ? "true" : "false");
}

static int stored_row(void *arg, const char *cidr, const char *note, int64_t added_s)
{
	row(arg, cidr, "stored", note, added_s, 1);
	return 0;
}

/* The configured list as serve has it now (SIGHUP may replace it). */
static void configured(struct web *w, char *buf, size_t n)
{
	pthread_mutex_lock(&w->home_lock);
	snprintf(buf, n, "%s", w->home_net);
	pthread_mutex_unlock(&w->home_lock);
}

int api_homenet_json(struct req *r, struct store *st)
{
	FILE *f = r->out;
	char conf[sizeof r->w->home_net];
	configured(r->w, conf, sizeof conf);
	fputs("\"home_from\":", f);
	jstr(f, r->w->home_from);
	fputs(",\"home_networks\":[", f);
	struct homenet_out o = { .f = f };
	for (char *save = NULL, *t = strtok_r(conf, ", \t", &save); t;
	     t = strtok_r(NULL, ", \t", &save))
		row(&o, t, r->w->home_from, "", 0, 0);
	if (store_homenet_list(st, stored_row, &o))
		return -1;
	fputc(']', f);
	return 0;
}

void api_homenet_get(struct req *r, struct store *st)
{
	fputc('{', r->out);
	if (api_homenet_json(r, st))
		return api_error(r, 500, store_errmsg(st));
	fputs("}\n", r->out);
}

void api_homenet_change(struct req *r, int add)
{
	char in[128], note[256] = "", canon[HOMENET_CIDR_MAX], why[256], msg[512];
	const char *cidr = req_form(r, "cidr", in, sizeof in);
	if (!cidr && !add)
		cidr = req_arg(r, "cidr");
	if (!cidr)
		return api_error(r, 400, "send cidr=NET/BITS, like 192.168.1.0/24 or fd00::/8");
	int too_long = strlen(cidr) >= sizeof in;
	if (too_long || homenet_check(cidr, canon, sizeof canon, why, sizeof why)) {
		snprintf(msg, sizeof msg, "not a network: %s", too_long ? "too long" : why);
		return api_error(r, 400, msg);
	}
	if (add && !req_form(r, "note", note, sizeof note) && strstr(r->body, "note="))
		return api_error(r, 400, "note too long (at most 200 characters)");
	if (strlen(note) > HOMENET_NOTE_MAX)
		return api_error(r, 400, "note too long (at most 200 characters)");
	char conf[sizeof r->w->home_net];
	configured(r->w, conf, sizeof conf);
	if (homenet_configured_has(conf, canon)) {
		int flag = !strcmp(r->w->home_from, "serve --home-net");
		if (add)
			snprintf(msg, sizeof msg, "%s is already a home network (set in %s)", canon,
				 r->w->home_from);
		else
			snprintf(msg, sizeof msg,
				 "%s is set in %s, which the dashboard does not change: %s", canon,
				 r->w->home_from,
				 flag ? "change serve's command line and restart it"
				      : "remove it from home_net there and reload serve (SIGHUP)");
		return api_error(r, 409, msg);
	}
	char err[512];
	pthread_mutex_lock(&r->w->trust_lock); /* one change at a time */
	struct store *st = store_open(r->w->db, 0, err, sizeof err);
	if (!st) {
		pthread_mutex_unlock(&r->w->trust_lock);
		return api_error(r, 500, err);
	}
	int rc = add ? store_homenet_add(st, canon, note) : store_homenet_rm(st, canon);
	if (rc < 0 || store_commit(st)) {
		api_error(r, 500, store_errmsg(st));
	} else if (add && rc == 2) {
		snprintf(msg, sizeof msg,
			 "at most %d stored home networks: remove one first, or join them into a "
			 "larger network",
			 STORE_HOMENET_MAX);
		api_error(r, 400, msg);
	} else if (!add && rc == 1) {
		api_error(r, 404, "not a stored home network");
	} else {
		int applied = r->w->home_changed && r->w->home_changed(r->w->home_arg) == 0;
		fprintf(r->out, "{\"ok\":true,\"cidr\":\"%s\",\"%s\":%s,\"applied\":%s}\n", canon,
			add ? "added" : "removed", add && rc == 1 ? "false" : "true",
			applied ? "true" : "false");
	}
	store_close(st);
	pthread_mutex_unlock(&r->w->trust_lock);
}
