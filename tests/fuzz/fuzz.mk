# Fuzzing with libFuzzer and Debian's clang (included by the Makefile).
#
#   make fuzz                    each target for FUZZ_SECONDS (60) on a copy of its seed corpus
#   make fuzz FUZZ_SECONDS=20    the short pass CI runs
#   make fuzz-build              build them only: build/fuzz/fuzz_<target>
#
# src/ is compiled again under build/fuzz/ with clang, AddressSanitizer, UBSan and libFuzzer's
# coverage, apart from the gcc build in build/.  tests/fuzz/run runs each target on a copy of
# tests/fuzz/<target>/, so the committed seeds never grow by themselves, and fails if any
# target finds a crash, a leak or a broken invariant (the input is kept in build/fuzz/crashes/).

FUZZ_CC      ?= clang-14
FUZZ_CFLAGS  ?= -O1 -g
FUZZ_SECONDS ?= 60
FUZZ_SAN      = -fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer
FUZZ_ALL      = $(ALL_CPPFLAGS) -DFUZZ_SOURCE_DIR='"$(CURDIR)"' $(WARN) $(PKG_CFLAGS) \
                $(FUZZ_CFLAGS) $(FUZZ_SAN) -MMD -MP

FUZZ_SRC     = $(sort $(wildcard tests/fuzz/fuzz_*.c))
FUZZ_TARGETS = $(FUZZ_SRC:tests/fuzz/%.c=build/fuzz/%)
FUZZ_OBJ     = $(CORE_SRC:%.c=build/fuzz/%.o)

build/fuzz/src/%.o: src/%.c
	@mkdir -p $(@D)
	$(FUZZ_CC) $(FUZZ_ALL) -fsanitize=fuzzer-no-link -c -o $@ $<

build/fuzz/libprefkiosk.a: $(FUZZ_OBJ)
	@rm -f $@
	$(AR) rcs $@ $^

build/fuzz/fuzz.o: tests/fuzz/fuzz.c
	@mkdir -p $(@D)
	$(FUZZ_CC) $(FUZZ_ALL) -Itests/fuzz -fsanitize=fuzzer-no-link -c -o $@ $<

build/fuzz/fuzz_%: tests/fuzz/fuzz_%.c build/fuzz/fuzz.o build/fuzz/libprefkiosk.a
	$(FUZZ_CC) $(FUZZ_ALL) -Itests/fuzz -fsanitize=fuzzer $(LDFLAGS) -o $@ $< \
		build/fuzz/fuzz.o build/fuzz/libprefkiosk.a $(CORE_LIBS)

deps-fuzz:
	@.ci/deps fuzz

fuzz-build: $(FUZZ_TARGETS)

fuzz: deps-fuzz
	@$(MAKE) --no-print-directory fuzz-build
	@tests/fuzz/run $(FUZZ_SECONDS) $(FUZZ_TARGETS)

.PHONY: deps-fuzz fuzz-build fuzz
