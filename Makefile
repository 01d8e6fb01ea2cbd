# pgcascade build. `make` builds build/pgcascade (a contract: scripts rely
# on that path); `make asan` builds build/asan/pgcascade with ASan+UBSan,
# which the test suite uses; `make test` runs scripts/test.sh.
# `make install` / `make uninstall` honour PREFIX and DESTDIR (and the
# usual BINDIR, MANDIR, ... below); CPPFLAGS and LDFLAGS are passed
# through (dpkg-buildflags' hardening flags).
CC      ?= cc
CSTD    := -std=c11 -D_GNU_SOURCE
WARN    := -Wall -Wextra -Werror -Wno-unused-parameter -Wshadow -Wstrict-prototypes
INCS    := -Isrc -I/usr/include/postgresql
LIBS    := -lpg_query -lyajl -ljson-c -linih -lm -pthread -ldl
CFLAGS  ?= -O2 -g
CPPFLAGS ?=
LDFLAGS ?=

PREFIX     ?= /usr/local
BINDIR     ?= $(PREFIX)/bin
DATADIR    ?= $(PREFIX)/share
MANDIR     ?= $(DATADIR)/man
BASHCOMPDIR ?= $(DATADIR)/bash-completion/completions
ZSHCOMPDIR  ?= $(DATADIR)/zsh/site-functions
FISHCOMPDIR ?= $(DATADIR)/fish/vendor_completions.d
INSTALL    ?= install
COMPLETIONS := build/completions/pgcascade.bash build/completions/_pgcascade build/completions/pgcascade.fish
ASANFLAGS := -O1 -g -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined -DPGC_FAULT_INJECTION

SRCS    := $(shell find src -name '*.c' | sort)
LIBSRCS := $(filter-out src/main.c,$(SRCS))
HDRS    := $(shell find src -name '*.h')

OBJS      := $(SRCS:src/%.c=build/obj/%.o)
ASAN_OBJS := $(SRCS:src/%.c=build/asan/obj/%.o)
LIB_OBJS      := $(LIBSRCS:src/%.c=build/obj/%.o)
ASAN_LIB_OBJS := $(LIBSRCS:src/%.c=build/asan/obj/%.o)

UNIT_SRCS := $(sort $(wildcard tests/unit/test_*.c))
UNIT_BINS := $(UNIT_SRCS:tests/unit/%.c=build/asan/tests/%)

.PHONY: all asan unit test example clean fuzz bench completions install uninstall
all: build/pgcascade completions

build/pgcascade: $(OBJS)
	@echo "LD $@"; $(CC) $(CFLAGS) $(LDFLAGS) -o $@ $(OBJS) $(LIBS)

build/obj/%.o: src/%.c $(HDRS)
	@mkdir -p $(dir $@)
	@echo "CC $<"; $(CC) $(CSTD) $(WARN) $(CPPFLAGS) $(CFLAGS) $(INCS) -c -o $@ $<

# Shell completions, generated from the option tables by the binary itself
# (`pgcascade completion SHELL`), so they always name the options it accepts.
completions: $(COMPLETIONS)

build/completions/pgcascade.bash: build/pgcascade
	@mkdir -p $(dir $@)
	build/pgcascade completion bash >$@.tmp && mv $@.tmp $@

build/completions/_pgcascade: build/pgcascade
	@mkdir -p $(dir $@)
	build/pgcascade completion zsh >$@.tmp && mv $@.tmp $@

build/completions/pgcascade.fish: build/pgcascade
	@mkdir -p $(dir $@)
	build/pgcascade completion fish >$@.tmp && mv $@.tmp $@

install: build/pgcascade completions
	$(INSTALL) -d $(DESTDIR)$(BINDIR) $(DESTDIR)$(MANDIR)/man1 \
		$(DESTDIR)$(BASHCOMPDIR) $(DESTDIR)$(ZSHCOMPDIR) $(DESTDIR)$(FISHCOMPDIR)
	$(INSTALL) -m 755 build/pgcascade $(DESTDIR)$(BINDIR)/pgcascade
	$(INSTALL) -m 644 man/pgcascade.1 $(DESTDIR)$(MANDIR)/man1/pgcascade.1
	$(INSTALL) -m 644 build/completions/pgcascade.bash $(DESTDIR)$(BASHCOMPDIR)/pgcascade
	$(INSTALL) -m 644 build/completions/_pgcascade $(DESTDIR)$(ZSHCOMPDIR)/_pgcascade
	$(INSTALL) -m 644 build/completions/pgcascade.fish $(DESTDIR)$(FISHCOMPDIR)/pgcascade.fish

uninstall:
	rm -f $(DESTDIR)$(BINDIR)/pgcascade $(DESTDIR)$(MANDIR)/man1/pgcascade.1 \
		$(DESTDIR)$(BASHCOMPDIR)/pgcascade $(DESTDIR)$(ZSHCOMPDIR)/_pgcascade \
		$(DESTDIR)$(FISHCOMPDIR)/pgcascade.fish

asan: build/asan/pgcascade

build/asan/pgcascade: $(ASAN_OBJS)
	@echo "LD $@"; $(CC) $(ASANFLAGS) -o $@ $(ASAN_OBJS) $(LIBS)

build/asan/obj/%.o: src/%.c $(HDRS)
	@mkdir -p $(dir $@)
	@echo "CC(asan) $<"; $(CC) $(CSTD) $(WARN) $(ASANFLAGS) $(INCS) -c -o $@ $<

build/asan/libpgcascade.a: $(ASAN_LIB_OBJS)
	@rm -f $@
	ar rcs $@ $^

build/asan/tests/%: tests/unit/%.c $(ASAN_LIB_OBJS)
	@mkdir -p $(dir $@)
	@echo "LD $@"; $(CC) $(CSTD) $(WARN) $(ASANFLAGS) $(INCS) -Itests/unit -o $@ $< $(ASAN_LIB_OBJS) $(LIBS) -lcmocka

unit: $(UNIT_BINS)

test:
	scripts/test.sh

example:
	scripts/example.sh

fuzz:
	scripts/fuzz.sh

bench:
	bench/run.sh

clean:
	rm -rf build
