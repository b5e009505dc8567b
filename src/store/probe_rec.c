/* probe_rec.c - see probe_rec.h. */
#include "probe_rec.h"

#include <string.h>

static uint64_t zigzag(int64_t v)
{
	return v < 0 ? ~((uint64_t)v << 1) : (uint64_t)v << 1;
}

static int64_t unzigzag(uint64_t v)
{
	return v & 1 ? -(int64_t)(v >> 1) - 1 : (int64_t)(v >> 1);
}

static size_t put_text(uint8_t *out, const char *s, size_t max)
{
	size_t k = strnlen(s, max), n = varint_put(out, k);
	memcpy(out + n, s, k);
	return n + k;
}

size_t probe_rec_encode(uint8_t *out, const struct finding *f, int64_t base)
{
	size_t n = 0, alen = f->src.family == 4 ? 4 : 16;
	out[n++] = f->src.family == 4 ? REC_V4 : REC_V6;
	memcpy(out + n, f->src.bytes, alen);
	n += alen;
	n += varint_put(out + n, zigzag(f->first_us - base));
	n += varint_put(out + n, zigzag(f->last_us - f->first_us));
	n += varint_put(out + n, f->packets);
	n += varint_put(out + n, f->nhosts);
	n += varint_put(out + n, (uint64_t)f->trw_probes);
	n += put_text(out + n, f->probe, REC_PROBE_MAX);
	n += put_text(out + n, f->hosts, REC_HOSTS_MAX);
	n += put_text(out + n, f->os, REC_OS_MAX);
	return n;
}

static int get_text(const uint8_t *p, size_t n, size_t *pos, size_t max, const char **s,
		    size_t *len)
{
	uint64_t k;
	if (varint_get(p, n, pos, &k) || k > max || n - *pos < k)
		return -1;
	*s = (const char *)p + *pos;
	*len = (size_t)k;
	*pos += (size_t)k;
	return 0;
}

int probe_rec_decode(const uint8_t *p, size_t n, size_t *pos, int64_t base, struct probe_rec *r)
{
	if (*pos >= n)
		return 0;
	if (base < 0 || base >= REC_TIME_MAX)
		return -1;
	r->flags = p[(*pos)++];
	int fam = (r->flags >> 1) & 3;
	size_t alen = fam == 1 ? 4 : 16;
	if ((fam != 1 && fam != 2) || (r->flags & ~7) || n - *pos < alen)
		return -1;
	r->src.family = fam == 1 ? 4 : 6;
	memset(r->src.bytes, 0, sizeof r->src.bytes);
	memcpy(r->src.bytes, p + *pos, alen);
	*pos += alen;
	uint64_t first, span; /* zigzag(first_ts - base), zigzag(last_ts - first_ts) */
	if (varint_get(p, n, pos, &first) || varint_get(p, n, pos, &span) ||
	    varint_get(p, n, pos, &r->packets) || varint_get(p, n, pos, &r->nhosts) ||
	    varint_get(p, n, pos, &r->trw_probes) || first >= (uint64_t)REC_TIME_MAX * 2 ||
	    span >= (uint64_t)REC_TIME_MAX * 2 || r->nhosts > UINT32_MAX ||
	    r->trw_probes > INT32_MAX)
		return -1;
	r->first_us = base + unzigzag(first);
	r->last_us = r->first_us + unzigzag(span);
	if (get_text(p, n, pos, REC_PROBE_MAX, &r->probe, &r->probe_len) ||
	    get_text(p, n, pos, REC_HOSTS_MAX, &r->hosts, &r->hosts_len) ||
	    get_text(p, n, pos, REC_OS_MAX, &r->os, &r->os_len))
		return -1;
	return 1;
}
