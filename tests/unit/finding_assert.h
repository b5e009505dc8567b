/* finding_assert.h - two findings equal field by field, in a cmocka test:
 * what every stored or packed finding keeps.  After testutil.h and
 * finding.h. */
#ifndef PORTLOG_TEST_FINDING_ASSERT_H
#define PORTLOG_TEST_FINDING_ASSERT_H

static void assert_finding_equal(const struct finding *a, const struct finding *b)
{
	assert_non_null(a);
	assert_int_equal(a->kind, b->kind);
	assert_string_equal(a->subject, b->subject);
	assert_int_equal(a->src.family, b->src.family);
	assert_memory_equal(a->src.bytes, b->src.bytes, 16);
	assert_int_equal(a->first_us, b->first_us);
	assert_int_equal(a->last_us, b->last_us);
	assert_string_equal(a->shape, b->shape);
	assert_string_equal(a->probe, b->probe);
	assert_int_equal(a->proto, b->proto);
	assert_int_equal(a->port_lo, b->port_lo);
	assert_int_equal(a->port_hi, b->port_hi);
	assert_int_equal(a->nports, b->nports);
	assert_int_equal(a->nhosts, b->nhosts);
	assert_int_equal(a->packets, b->packets);
	assert_string_equal(a->ports, b->ports);
	assert_string_equal(a->hosts, b->hosts);
	assert_int_equal(a->danger, b->danger);
	assert_int_equal(a->trw_probes, b->trw_probes);
	assert_string_equal(a->signature, b->signature);
	assert_string_equal(a->refs, b->refs);
	assert_string_equal(a->os, b->os);
	assert_string_equal(a->summary, b->summary);
}

#endif
