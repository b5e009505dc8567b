# portlog - GNU make.  `make` builds build/portlog; `make test` runs every test
# (also under ASan and UBSan); `make run` starts the main job; `make bench`
# measures.  `make deps` installs what is missing (Debian, apt-get).

CC      ?= cc
PKGS    := sqlite3 zlib libevent libmicrohttpd libsodium
PREFIX  ?= /usr/local
SYSCONFDIR ?= /etc
UNITDIR ?= $(PREFIX)/lib/systemd/system
VERSION := 0.1

PKG_CFLAGS := $(shell pkg-config --cflags $(PKGS) 2>/dev/null)
PKG_LIBS   := $(shell pkg-config --libs $(PKGS) 2>/dev/null || echo -lsqlite3 -lz -levent -lmicrohttpd -lsodium)

WARN    := -Wall -Wextra -Werror -Wshadow -Wpointer-arith -Wstrict-prototypes -Wvla
CFLAGS  ?= -O2 -g
CFLAGS  += -std=c11 -D_GNU_SOURCE -DPORTLOG_VERSION='"$(VERSION)"' $(WARN) $(PKG_CFLAGS) -pthread
CFLAGS  += -DPORTLOG_DATADIR='"$(PREFIX)/share/portlog"'
LDLIBS  := $(PKG_LIBS) -pthread -lm
SANFLAGS := -O1 -g -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=all

LIB_SRC  := $(shell find src -name '*.c' ! -name main.c | sort)
TEST_SRC := $(sort $(wildcard tests/unit/test_*.c))

B  := build
BS := build/san

LIB_OBJ      := $(LIB_SRC:%.c=$(B)/obj/%.o)
LIB_OBJ_SAN  := $(LIB_SRC:%.c=$(BS)/obj/%.o)
TEST_BINS    := $(TEST_SRC:tests/unit/%.c=$(BS)/tests/%)

.PHONY: all deps run test unit e2e bench fuzz install clean san

# The port knowledge base: curated entries (ours) and the registered service
# names (generated from installed Debian packages, see scripts/gen_services.sh).
DATA := $(B)/data/ports/services.tsv $(B)/data/ports/curated.txt

# The dashboard's pages (src/web/static.c serves them from DATADIR/web).
WEB_DATA := $(patsubst data/web/%,$(B)/data/web/%,$(wildcard data/web/*))

all: $(B)/portlog $(DATA) $(WEB_DATA) $(B)/gen

$(B)/data/web/%: data/web/%
	@mkdir -p $(dir $@)
	cp $< $@

$(B)/data/ports/services.tsv: scripts/gen_services.sh $(wildcard /usr/share/nmap/nmap-services /etc/services)
	scripts/gen_services.sh $@

$(B)/data/ports/curated.txt: data/ports/curated.txt
	@mkdir -p $(dir $@)
	cp $< $@

$(B)/obj/%.o: %.c
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) -MMD -MP -c -o $@ $<

$(BS)/obj/%.o: %.c
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) $(SANFLAGS) -MMD -MP -c -o $@ $<

$(B)/libportlog.a: $(LIB_OBJ)
	rm -f $@ && ar rcs $@ $^

$(BS)/libportlog.a: $(LIB_OBJ_SAN)
	rm -f $@ && ar rcs $@ $^

$(B)/portlog: $(B)/obj/src/main.o $(B)/libportlog.a
	$(CC) $(CFLAGS) -o $@ $^ $(LDLIBS)

$(BS)/portlog: $(BS)/obj/src/main.o $(BS)/libportlog.a
	$(CC) $(CFLAGS) $(SANFLAGS) -o $@ $^ $(LDLIBS)

$(BS)/tests/%: tests/unit/%.c $(wildcard tests/unit/*.h) $(BS)/libportlog.a
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) $(SANFLAGS) -Isrc -o $@ $< $(BS)/libportlog.a $(LDLIBS) -lcmocka

san: $(BS)/portlog $(TEST_BINS) $(DATA)

deps:
	@scripts/deps.sh

test: deps
	$(MAKE) all san
	tests/run.sh

run: deps
	$(MAKE) all
	scripts/run.sh

bench: deps
	$(MAKE) all
	bench/run.sh

# The benchmark log generator (bench/gen*.c), also used by `make run` for a
# demo log and by the tests.  Not part of the portlog binary.
GEN_SRC := $(sort $(wildcard bench/gen*.c))
$(B)/gen: $(GEN_SRC) $(wildcard bench/gen*.h)
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) -O3 -o $@ $(GEN_SRC)

# Fuzzing: one libFuzzer binary per fuzz/fuzz_*.c (picked up automatically),
# built with clang under ASan and UBSan.  `make fuzz` runs each for
# FUZZ_SECONDS with seeds made from tests/fixtures (scripts/fuzz.sh).
# -Werror is left out here so a clang-only warning in any file cannot stop
# the fuzzers from building; `make` and `make san` still enforce it.
FUZZ_CC      ?= clang-14
FUZZ_SECONDS ?= 60
FUZZ_FLAGS   := -O1 -g -fno-omit-frame-pointer -fsanitize=address,undefined \
		-fno-sanitize-recover=all
BF           := build/fuzz
FUZZ_SRC     := $(sort $(wildcard fuzz/fuzz_*.c))
FUZZ_BINS    := $(FUZZ_SRC:fuzz/%.c=$(BF)/%)
LIB_OBJ_FUZZ := $(LIB_SRC:%.c=$(BF)/obj/%.o)

$(BF)/obj/%.o: %.c
	@mkdir -p $(dir $@)
	$(FUZZ_CC) $(filter-out -Werror,$(CFLAGS)) $(FUZZ_FLAGS) -fsanitize=fuzzer-no-link -MMD -MP -c -o $@ $<

$(BF)/libportlog.a: $(LIB_OBJ_FUZZ)
	rm -f $@ && ar rcs $@ $^

$(BF)/fuzz_%: fuzz/fuzz_%.c fuzz/fuzz_common.h fuzz/fuzz_util.h $(BF)/libportlog.a
	$(FUZZ_CC) $(filter-out -Werror,$(CFLAGS)) $(FUZZ_FLAGS) -fsanitize=fuzzer -o $@ $< \
		$(BF)/libportlog.a $(LDLIBS)

.PHONY: fuzz-build
fuzz-build: $(FUZZ_BINS)

fuzz: deps
	$(MAKE) fuzz-build
	FUZZ_SECONDS=$(FUZZ_SECONDS) scripts/fuzz.sh

# Parser speed (bench/parse_speed.c): `make bench-parse` prints the lines per
# second of each parser on its fixtures, forced and auto-detected, one core.
$(B)/parse_speed: bench/parse_speed.c $(B)/libportlog.a
	$(CC) $(CFLAGS) -o $@ $< $(B)/libportlog.a $(LDLIBS)

.PHONY: bench-parse
bench-parse: $(B)/parse_speed
	@for d in tests/fixtures/*/; do \
		$(B)/parse_speed -n $${BENCH_LINES:-2000000} $$(basename $$d) $$d*.log || true; \
	done

# Detector cost (bench/detect_speed.c): lines per second of import's reader
# work with and without the detectors, and their memory; bench/sources_gen.c
# writes a log with a million distinct sources at once for the memory bound.
# `make bench-detect` runs both (BENCH_DETECT_LOG: the log to time).
$(B)/detect_speed: bench/detect_speed.c $(B)/libportlog.a
	$(CC) $(CFLAGS) -o $@ $< $(B)/libportlog.a $(LDLIBS)

$(B)/sources_gen: bench/sources_gen.c
	$(CC) $(CFLAGS) -o $@ $<

.PHONY: bench-detect
bench-detect: $(B)/detect_speed $(B)/sources_gen $(B)/gen $(DATA)
	@mkdir -p bench/out
	@log=$${BENCH_DETECT_LOG:-bench/out/quick-1000000.log}; \
	[ -e "$$log" ] || $(B)/gen --seed 1 --start 2024-01-01 --days 365 \
		--home-net 192.168.1.0/24 --lines 1000000 >"$$log"; \
	[ -e bench/out/sources-1000000.log ] || \
		$(B)/sources_gen -n 1000000 -k 2 -m 60 >bench/out/sources-1000000.log; \
	echo "== $$log"; $(B)/detect_speed "$$log"; \
	echo "== bench/out/sources-1000000.log (1,000,000 distinct sources in an hour)"; \
	$(B)/detect_speed -p bench/out/sources-1000000.log

install: all
	install -d $(DESTDIR)$(PREFIX)/bin
	install -m 0755 $(B)/portlog $(DESTDIR)$(PREFIX)/bin/portlog
	install -d $(DESTDIR)$(PREFIX)/share/portlog/ports
	install -m 0644 $(DATA) $(DESTDIR)$(PREFIX)/share/portlog/ports/
	install -d $(DESTDIR)$(PREFIX)/share/portlog/web
	install -m 0644 data/web/* $(DESTDIR)$(PREFIX)/share/portlog/web/
	install -m 0644 data/signatures $(DESTDIR)$(PREFIX)/share/portlog/signatures
	install -m 0644 data/payloads $(DESTDIR)$(PREFIX)/share/portlog/payloads
	install -d $(DESTDIR)$(SYSCONFDIR)/portlog $(DESTDIR)$(UNITDIR)
	[ -e $(DESTDIR)$(SYSCONFDIR)/portlog/portlog.conf ] || \
		install -m 0644 contrib/portlog.conf $(DESTDIR)$(SYSCONFDIR)/portlog/portlog.conf
	sed 's|/usr/local/bin/portlog|$(PREFIX)/bin/portlog|; s|/etc/portlog/|$(SYSCONFDIR)/portlog/|' \
		contrib/portlog.service >$(DESTDIR)$(UNITDIR)/portlog.service
	chmod 0644 $(DESTDIR)$(UNITDIR)/portlog.service

clean:
	rm -rf build

-include $(shell find build -name '*.d' 2>/dev/null)
