# pgcascade build. `make` builds build/pgcascade (a contract: scripts rely
# on that path); `make asan` builds build/asan/pgcascade with ASan+UBSan,
# which the test suite uses; `make test` runs scripts/test.sh.
CC      ?= cc
CSTD    := -std=c11 -D_GNU_SOURCE
WARN    := -Wall -Wextra -Werror -Wno-unused-parameter -Wshadow -Wstrict-prototypes
INCS    := -Isrc -I/usr/include/postgresql
LIBS    := -lpg_query -lpq -ljson-c -linih -lcrypto -lm -pthread
CFLAGS  ?= -O2 -g
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

.PHONY: all asan unit test example clean fuzz bench
all: build/pgcascade

build/pgcascade: $(OBJS)
	@echo "LD $@"; $(CC) $(CFLAGS) -o $@ $(OBJS) $(LIBS)

build/obj/%.o: src/%.c $(HDRS)
	@mkdir -p $(dir $@)
	@echo "CC $<"; $(CC) $(CSTD) $(WARN) $(CFLAGS) $(INCS) -c -o $@ $<

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
