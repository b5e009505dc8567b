/* kb_priv.h - what the knowledge base's files share, and nobody else. */
#ifndef PORTLOG_KB_PRIV_H
#define PORTLOG_KB_PRIV_H

#include <stdint.h>

#include "kb.h"

/* port * 2 + (0 tcp, 1 udp): one key per port and protocol. */
static inline int kb_key(int port, int proto)
{
	if (port < 0 || port > 65535 || (proto != 6 && proto != 17))
		return -1;
	return port * 2 + (proto == 17);
}

struct kb_service_row {
	int32_t key;
	float freq; /* -1 unknown */
	const char *name, *note; /* point into services_buf */
};

struct kb_index_row {
	int32_t key;
	int32_t entry; /* index into entries */
};

struct kb {
	char *services_buf; /* services.tsv, cut into strings in place */
	struct kb_service_row *services; /* sorted by key */
	size_t nservices;
	struct kb_entry *entries;
	size_t nentries;
	struct kb_index_row *index; /* sorted by key */
	size_t nindex;
};

/* Read a whole file into a NUL-terminated buffer.  NULL and a message. */
char *kb_slurp(const char *path, size_t *len, char *err, size_t errlen);

#endif
