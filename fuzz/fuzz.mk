# fuzz.mk - builds the libFuzzer targets (scripts/fuzz.sh runs them).
#
#   make -f fuzz/fuzz.mk        build/fuzz/fuzz_<target> for every fuzz/fuzz_*.c
#
# Every library object is rebuilt with clang, ASan, UBSan and libFuzzer's
# coverage instrumentation (-fsanitize=fuzzer-no-link); each target links
# them with -fsanitize=fuzzer, which supplies main().
FUZZ_CC    ?= clang
FUZZ_FLAGS := -O1 -g -fsanitize=address,undefined -fno-sanitize-recover=undefined \
              -fno-omit-frame-pointer
FUZZ_CSTD  := -std=c11 -D_GNU_SOURCE -Wall -Wextra -Werror -Wno-unused-parameter
INCS       := -Isrc -I/usr/include/postgresql
LIBS       := -lpg_query -lyajl -ljson-c -linih -lm -ldl -pthread

LIBSRCS  := $(filter-out src/main.c,$(shell find src -name '*.c' | sort))
HDRS     := $(shell find src -name '*.h')
LIBOBJS  := $(LIBSRCS:src/%.c=build/fuzz/obj/%.o)
TARGET_SRCS := $(sort $(wildcard fuzz/fuzz_*.c))
TARGETS  := $(patsubst fuzz/%.c,build/fuzz/%,$(TARGET_SRCS))

.PHONY: all targets
.SECONDARY:
all: $(TARGETS)

# The targets this tree can build, one per line (scripts/fuzz.sh, t0630).
targets:
	@printf '%s\n' $(notdir $(TARGETS))

build/fuzz/obj/%.o: src/%.c $(HDRS)
	@mkdir -p $(dir $@)
	@echo "CC(fuzz) $<"; $(FUZZ_CC) $(FUZZ_CSTD) $(FUZZ_FLAGS) -fsanitize=fuzzer-no-link $(INCS) -c -o $@ $<

build/fuzz/%: fuzz/%.c $(LIBOBJS) $(HDRS)
	@mkdir -p $(dir $@)
	@echo "LINK(fuzz) $@"; $(FUZZ_CC) $(FUZZ_CSTD) $(FUZZ_FLAGS) -fsanitize=fuzzer $(INCS) -o $@ $< $(LIBOBJS) $(LIBS)
