/* api_priv.h - what api.c and api_detail.c share. */
#ifndef PORTLOG_API_PRIV_H
#define PORTLOG_API_PRIV_H

#include "web_priv.h"

int64_t api_now_us(void);
/* A JSON string (escaped) or null. */
void jstr(FILE *f, const char *s);
/* ,"key": and jstr(s): one more field of an object already begun. */
void jfield(FILE *f, const char *key, const char *s);
/* An ISO time string, or null for 0. */
void jtime(FILE *f, int64_t us);
/* "445/tcp", "445", "icmp" */
const char *port_label(int port, int proto, char *buf, size_t n);
/* The ?range= window (default dflt), anchored at now or the newest event. */
int api_window(struct req *r, struct store *st, const char *dflt, int64_t *since, int64_t *until);
/* Ranked ports with their names, as a JSON array. */
void api_ports_json(FILE *f, const struct rank_row *rows, int n);
/* Ranked sources as a JSON array: addr, events, and extra under its name. */
void api_sources_json(FILE *f, const struct rank_row *rows, int n, const char *extra_name);
/* Findings matching q as a JSON array. */
void api_findings_json(FILE *f, struct store *st, const struct finding_filter *q);
/* /ports/N, /sources/ADDR, /findings, /captures, /series: 0 answered, -1 unknown. */
int api_detail(struct req *r, struct store *st, const char *u);
/* api_homenet.c: "home_from":..,"home_networks":[..] (no braces); 0 or -1. */
int api_homenet_json(struct req *r, struct store *st);
/* GET /api/homenet; POST (add 1) and DELETE (add 0) /api/homenet. */
void api_homenet_get(struct req *r, struct store *st);
void api_homenet_change(struct req *r, int add);

#endif
