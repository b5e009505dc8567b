/* finding.c - names for struct finding's kinds. */
#include "finding.h"

#include <string.h>

const char *finding_kind_name(int kind)
{
	switch (kind) {
	case FINDING_SCAN: return "scan";
	case FINDING_INFECTED: return "infected";
	case FINDING_OUTBREAK: return "outbreak";
	case FINDING_REPUTATION: return "reputation";
	default: return "unknown";
	}
}

int finding_kind_parse(const char *s)
{
	if (!strcmp(s, "scan") || !strcmp(s, "scans"))
		return FINDING_SCAN;
	if (!strcmp(s, "infected"))
		return FINDING_INFECTED;
	if (!strcmp(s, "outbreak") || !strcmp(s, "outbreaks"))
		return FINDING_OUTBREAK;
	if (!strcmp(s, "reputation"))
		return FINDING_REPUTATION;
	return -1;
}
