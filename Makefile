# portlog - GNU make.  `make` builds build/portlog; `make test` runs every test
# (also under ASan and UBSan); `make run` starts the main job; `make bench`
# measures.  `make deps` installs what is missing (Debian, apt-get).

CC      ?= cc
PKGS    := sqlite3 zlib
PREFIX  ?= /usr/local
VERSION := 0.1

PKG_CFLAGS := $(shell pkg-config --cflags $(PKGS) 2>/dev/null)
PKG_LIBS   := $(shell pkg-config --libs $(PKGS) 2>/dev/null || echo -lsqlite3 -lz)

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

all: $(B)/portlog $(DATA)

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

$(BS)/tests/%: tests/unit/%.c tests/unit/testutil.h $(BS)/libportlog.a
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

install: all
	install -d $(DESTDIR)$(PREFIX)/bin
	install -m 0755 $(B)/portlog $(DESTDIR)$(PREFIX)/bin/portlog
	install -d $(DESTDIR)$(PREFIX)/share/portlog/ports
	install -m 0644 $(DATA) $(DESTDIR)$(PREFIX)/share/portlog/ports/

clean:
	rm -rf build

-include $(shell find build -name '*.d' 2>/dev/null)
