/* kb.h - the port knowledge base: what a port is for and what traffic on it
 * means.
 *
 * Two files in DATADIR/ports/:
 *   services.tsv  every registered TCP and UDP service name with nmap's open
 *                 frequency (generated at build time, scripts/gen_services.sh)
 *   curated.txt   our own pages for the ports firewalls see most (format in
 *                 its header): title, common use, inbound, outbound, references
 * DATADIR is $PORTLOG_DATA, else found beside the binary (build tree or
 * PREFIX/bin -> PREFIX/share/portlog), else the compiled-in install path. */
#ifndef PORTLOG_KB_H
#define PORTLOG_KB_H

#include <stddef.h>

struct kb;

/* A curated page.  Strings are owned by the kb. */
struct kb_entry {
	const char *ports; /* "135/tcp 135/udp", as written */
	const char *title, *use, *inbound, *outbound, *refs;
	int line; /* where the stanza starts in curated.txt */
};

/* Load DIR/ports/services.tsv and DIR/ports/curated.txt.  A missing
 * services.tsv is tolerated (names then come from curated entries only); a
 * missing or malformed curated.txt is an error.  NULL and a message in err. */
struct kb *kb_load(const char *dir, char *err, size_t errlen);
/* The parts alone (tests, tools).  0 on success, else -1 and a message. */
struct kb *kb_new(void);
int kb_load_curated(struct kb *kb, const char *path, char *err, size_t errlen);
int kb_load_services(struct kb *kb, const char *path, char *err, size_t errlen);
void kb_free(struct kb *kb);

/* The directory kb_default() loads from, or NULL when none is found. */
const char *kb_data_dir(void);
/* The process-wide knowledge base, loaded on first use; NULL (after one
 * warning on stderr) when it cannot be found or read. */
const struct kb *kb_default(void);

/* proto is an IP protocol number (6 tcp, 17 udp); -1 tries tcp, then udp. */
const struct kb_entry *kb_entry_for(const struct kb *kb, int port, int proto);
/* Registered name ("microsoft-ds") or "". */
const char *kb_service(const struct kb *kb, int port, int proto);
/* The registry's description ("SMB directly over IP") or "". */
const char *kb_service_note(const struct kb *kb, int port, int proto);
/* nmap's open frequency (0..1), or -1 when unknown. */
double kb_open_freq(const struct kb *kb, int port, int proto);

size_t kb_entry_count(const struct kb *kb);
const struct kb_entry *kb_entry_at(const struct kb *kb, size_t i);

/* Every port/protocol whose name, description or curated page contains word
 * (case-insensitive), in port order, curated matches flagged.  cb returns
 * non-zero to stop.  Returns the number of matches reported. */
typedef int (*kb_match_cb)(void *arg, int port, int proto, const char *service,
			   const struct kb_entry *entry);
int kb_search(const struct kb *kb, const char *word, kb_match_cb cb, void *arg);

#endif
