# prefkiosk — build, run, test, bench, install.
#
#   make            build build/prefkiosk
#   make run        install missing Debian packages, build, create a demo store in var/, start the kiosk
#   make test       install what the tests need, build, run every test
#   make check      every test again on a build with AddressSanitizer and UBSan (build/asan/),
#                   then the command-line suites with every prefkiosk under valgrind
#   make bench      build and print the benchmark tables (the store, then the fleet through a hub)
#   make install    PREFIX=/usr/local DESTDIR= (binary, man page, config, assets, systemd unit)
#   make po         extract _() and N_() texts into assets/po/prefkiosk.pot, merge into each .po
#   make fuzz       libFuzzer targets, each for FUZZ_SECONDS (tests/fuzz/fuzz.mk)
#
# WERROR=1 turns warnings into errors (CI).  CFLAGS, CPPFLAGS, LDFLAGS, PREFIX, DESTDIR and
# PKG_CONFIG are honoured.

PREFIX     ?= /usr/local
BINDIR     ?= $(PREFIX)/bin
MANDIR     ?= $(PREFIX)/share/man
DATADIR    ?= $(PREFIX)/share/prefkiosk
SYSCONFDIR ?= /etc
# systemd looks in /usr/local/lib/systemd/system as well as /usr/lib/systemd/system, so the unit
# follows PREFIX like the binary its ExecStart names.
SYSTEMDUNITDIR ?= $(PREFIX)/lib/systemd/system
SYSUSERSDIR    ?= $(PREFIX)/lib/sysusers.d
PKG_CONFIG ?= pkg-config
CC         ?= cc
CFLAGS     ?= -O2 -g
# Where objects and binaries go: `make check` builds a sanitized copy of everything in build/asan/.
BUILD       = build

# src/ links without ncurses: the tests prove it, because they link only CORE_PKGS.
CORE_PKGS = sqlite3 libsodium libqrencode inih jansson libpng
# The fleet's hub (src/hub.c) compiles against libpq's headers but loads it with dlopen when a
# hub is connected: linked, it made every process 6 MiB bigger.  The fleet bench links it.
HUB_PKGS  = libpq
UI_PKGS   = ncursesw
# Speech (src/speech.c) compiles against espeak-ng's headers but loads the library with dlopen
# when a speaker opens: linking it would load some thirty libraries into every command.
SPEECH_PKGS = espeak-ng

WARN = -std=c11 -Wall -Wextra -Wshadow -Wstrict-prototypes -Wmissing-prototypes \
       -Wwrite-strings -Wformat=2 -Wvla
ifeq ($(WERROR),1)
WARN += -Werror
endif

PKG_CFLAGS = $(shell $(PKG_CONFIG) --cflags $(CORE_PKGS) $(UI_PKGS) $(SPEECH_PKGS) $(HUB_PKGS) \
               2>/dev/null)
CORE_LIBS  = $(shell $(PKG_CONFIG) --libs $(CORE_PKGS) 2>/dev/null) -lm
UI_LIBS    = $(shell $(PKG_CONFIG) --libs $(UI_PKGS) 2>/dev/null)
TEST_LIBS  = $(shell $(PKG_CONFIG) --libs criterion 2>/dev/null)

ALL_CPPFLAGS = -D_GNU_SOURCE -D_FILE_OFFSET_BITS=64 -Isrc -Iui \
               -DPREFKIOSK_DATADIR='"$(DATADIR)"' -DPREFKIOSK_SYSCONFDIR='"$(SYSCONFDIR)/prefkiosk"' \
               $(CPPFLAGS)
ALL_CFLAGS   = $(WARN) $(PKG_CFLAGS) $(CFLAGS) -MMD -MP

CORE_SRC  = $(filter-out src/main.c,$(sort $(wildcard src/*.c)))
UI_SRC    = $(sort $(wildcard ui/*.c))
TEST_SRC  = $(sort $(wildcard tests/test_*.c))
CORE_OBJ  = $(CORE_SRC:%.c=$(BUILD)/%.o)
UI_OBJ    = $(UI_SRC:%.c=$(BUILD)/%.o)
TESTS     = $(TEST_SRC:tests/%.c=$(BUILD)/tests/%)

# Interface text: assets/po/<lang>.po compiles to assets/locale/<lang>/LC_MESSAGES/prefkiosk.mo,
# which `make install` copies with the rest of assets/.
PO_LANGS  = $(sort $(basename $(notdir $(wildcard assets/po/*.po))))
MO        = $(PO_LANGS:%=assets/locale/%/LC_MESSAGES/prefkiosk.mo)

all: $(BUILD)/prefkiosk $(MO)

$(BUILD)/%.o: %.c
	@mkdir -p $(@D)
	$(CC) $(ALL_CPPFLAGS) $(ALL_CFLAGS) -c -o $@ $<

$(BUILD)/libprefkiosk.a: $(CORE_OBJ)
	@rm -f $@
	$(AR) rcs $@ $^

$(BUILD)/prefkiosk: $(BUILD)/src/main.o $(UI_OBJ) $(BUILD)/libprefkiosk.a
	$(CC) $(CFLAGS) $(LDFLAGS) -o $@ $(BUILD)/src/main.o $(UI_OBJ) $(BUILD)/libprefkiosk.a $(UI_LIBS) $(CORE_LIBS)

$(BUILD)/tests/helpers.o: tests/helpers.c
	@mkdir -p $(@D)
	$(CC) $(ALL_CPPFLAGS) -Itests $(ALL_CFLAGS) -c -o $@ $<

$(BUILD)/tests/test_%: tests/test_%.c $(BUILD)/tests/helpers.o $(BUILD)/libprefkiosk.a
	@mkdir -p $(@D)
	$(CC) $(ALL_CPPFLAGS) -Itests $(ALL_CFLAGS) $(LDFLAGS) -o $@ $< $(BUILD)/tests/helpers.o \
		$(BUILD)/libprefkiosk.a $(TEST_LIBS) $(CORE_LIBS)

# The screens are drawn on a virtual terminal: their suite links ui/ (but not its main loop)
# and ncurses, which no other suite does.
$(BUILD)/tests/test_screens: tests/test_screens.c $(BUILD)/tests/helpers.o \
		$(filter-out $(BUILD)/ui/ui.o,$(UI_OBJ)) $(BUILD)/libprefkiosk.a
	@mkdir -p $(@D)
	$(CC) $(ALL_CPPFLAGS) -Itests $(ALL_CFLAGS) $(LDFLAGS) -o $@ $< $(BUILD)/tests/helpers.o \
		$(filter-out $(BUILD)/ui/ui.o,$(UI_OBJ)) $(BUILD)/libprefkiosk.a $(TEST_LIBS) $(UI_LIBS) \
		$(CORE_LIBS)

# What the kiosk says is built from the views the screens fill: that suite links ui/ but for the
# terminal (ui.c, draw.c), so it needs no ncurses either.
$(BUILD)/tests/test_speak: tests/test_speak.c $(BUILD)/tests/helpers.o \
		$(filter-out $(BUILD)/ui/ui.o $(BUILD)/ui/draw.o,$(UI_OBJ)) $(BUILD)/libprefkiosk.a
	@mkdir -p $(@D)
	$(CC) $(ALL_CPPFLAGS) -Itests $(ALL_CFLAGS) $(LDFLAGS) -o $@ $< $(BUILD)/tests/helpers.o \
		$(filter-out $(BUILD)/ui/ui.o $(BUILD)/ui/draw.o,$(UI_OBJ)) $(BUILD)/libprefkiosk.a \
		$(TEST_LIBS) $(CORE_LIBS)

$(BUILD)/bench: tests/bench/bench.c tests/bench/table.h $(BUILD)/libprefkiosk.a
	@mkdir -p $(@D)
	$(CC) $(ALL_CPPFLAGS) $(ALL_CFLAGS) $(LDFLAGS) -o $@ $< $(BUILD)/libprefkiosk.a $(CORE_LIBS) -lutil

# The fleet's rows: terminals syncing through a hub, run by tests/bench/fleet.sh, which starts one.
$(BUILD)/bench-fleet: tests/bench/fleet.c tests/bench/table.h $(BUILD)/libprefkiosk.a
	@mkdir -p $(@D)
	$(CC) $(ALL_CPPFLAGS) $(ALL_CFLAGS) $(LDFLAGS) -o $@ $< $(BUILD)/libprefkiosk.a $(CORE_LIBS) \
		$(shell $(PKG_CONFIG) --libs $(HUB_PKGS) 2>/dev/null) -pthread

# The journey harness's screen-to-image tool (tests/journey/lib): libc only, built for `make test`.
# The canary does wrong on purpose, for `make check` to prove its tools see it (tests/check).
$(BUILD)/tests/ansi2pbm $(BUILD)/tests/canary: $(BUILD)/tests/%: tests/tools/%.c
	@mkdir -p $(@D)
	$(CC) -D_GNU_SOURCE $(CPPFLAGS) $(WARN) $(CFLAGS) -MMD -MP $(LDFLAGS) -o $@ $<
test: $(BUILD)/tests/ansi2pbm

# The memory scanner of the wipe journey (tests/journey/wipe.sh): libc only, built for `make test`.
build/tests/memscan: tests/tools/memscan.c
	@mkdir -p $(@D)
	$(CC) -D_GNU_SOURCE $(CPPFLAGS) $(WARN) $(CFLAGS) -MMD -MP $(LDFLAGS) -o $@ $<
test: build/tests/memscan

# A preloaded library that breaks the process's protections, for tests/cli/harden.sh.
build/tests/harden_shim.so: tests/tools/harden_shim.c
	@mkdir -p $(@D)
	$(CC) -D_GNU_SOURCE $(CPPFLAGS) $(WARN) $(CFLAGS) -fPIC -shared -MMD -MP $(LDFLAGS) -o $@ $< -ldl
test: build/tests/harden_shim.so

assets/locale/%/LC_MESSAGES/prefkiosk.mo: assets/po/%.po
	@mkdir -p $(@D)
	msgfmt --check -o $@ $<

# Run when the source's texts change: new texts arrive untranslated or fuzzy (a guess from a
# similar text, never shown), removed ones are kept as obsolete (#~).  Each file's counts are
# printed; test_i18n fails until every text is translated and no guess is left unreviewed.
po:
	xgettext --from-code=UTF-8 --language=C --keyword=_ --keyword=N_ \
		--add-comments=TRANSLATORS --add-location=file --package-name=prefkiosk \
		-o assets/po/prefkiosk.pot $(sort $(wildcard src/*.c ui/*.c))
	@for po in assets/po/*.po; do \
		msgmerge --quiet --update --backup=off --previous $$po assets/po/prefkiosk.pot || exit 1; \
		printf '%s: ' $$po; msgfmt --statistics -o /dev/null $$po 2>&1; \
	done

deps:
	@.ci/deps build

deps-test:
	@.ci/deps test

deps-check:
	@.ci/deps check

deps-bench:
	@.ci/deps bench

# The demo store: created once from config/, with its key file beside it.
var/prefkiosk.db:
	@mkdir -p var
	./build/prefkiosk --db var/prefkiosk.db --key-file var/prefkiosk.key --config config init
	./build/prefkiosk --db var/prefkiosk.db --key-file var/prefkiosk.key --config config \
		import config/demo-members.jsonl

# The demo recipient of sealed exports, named in config/prefkiosk.ini: a key pair made once in
# var/ (so no secret key is ever committed) and the folder the kiosk exports to.  The config
# does not load without it, so every suite and the demo store come after it.
var/export-recipient.pub: | $(BUILD)/prefkiosk
	@mkdir -p var/exports
	./$(BUILD)/prefkiosk export-keys var/export-recipient >/dev/null
$(TESTS) $(BUILD)/bench $(BUILD)/bench-fleet var/prefkiosk.db: | var/export-recipient.pub

run: deps
	@$(MAKE) --no-print-directory all
	@$(MAKE) --no-print-directory var/prefkiosk.db
	./build/prefkiosk --db var/prefkiosk.db --key-file var/prefkiosk.key --config config run

test: deps-test
	@$(MAKE) --no-print-directory all $(TESTS)
	@tests/run-all $(TESTS)

# The sanitized build recompiles everything (the library, the binary, the suites and the test
# tools) with the sanitizers into build/asan/; the normal -O2 -g build is what valgrind runs.
# tests/check runs both passes and sets the sanitizers' and valgrind's options.  The sanitized
# build uses clang: gcc's UBSan ignores log_path when ASan is linked too (GCC bug 94328), and
# a report written only to the stderr of a kiosk in a tmux pane could go unseen.
SANITIZE_CC = clang
SANITIZE    = -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=all

check: deps-check
	@$(MAKE) --no-print-directory all $(TESTS) $(BUILD)/tests/ansi2pbm $(BUILD)/tests/canary \
		build/tests/memscan build/tests/harden_shim.so
	@$(MAKE) --no-print-directory BUILD=build/asan CC=$(SANITIZE_CC) CFLAGS='$(CFLAGS) $(SANITIZE)' \
		build/asan/prefkiosk build/asan/tests/ansi2pbm build/asan/tests/canary \
		$(TESTS:$(BUILD)/%=build/asan/%)
	@tests/check build/asan $(TESTS:$(BUILD)/%=build/asan/%)

bench: deps-bench
	@$(MAKE) --no-print-directory all build/bench build/bench-fleet
	./build/bench
	tests/bench/fleet.sh

install: all
	install -d $(DESTDIR)$(BINDIR) $(DESTDIR)$(MANDIR)/man1 $(DESTDIR)$(DATADIR) \
		$(DESTDIR)$(SYSCONFDIR)/prefkiosk
	install -m 0755 build/prefkiosk $(DESTDIR)$(BINDIR)/prefkiosk
	install -m 0644 assets/prefkiosk.1 $(DESTDIR)$(MANDIR)/man1/prefkiosk.1
	cp -R assets/. $(DESTDIR)$(DATADIR)/
	install -m 0644 config/catalog.ini $(DESTDIR)$(SYSCONFDIR)/prefkiosk/catalog.ini
	sed -e 's|^assets *=.*|assets = $(DATADIR)|' -e 's/^\(directory\|recipient\) *=.*/# &/' \
		config/prefkiosk.ini \
		> $(DESTDIR)$(SYSCONFDIR)/prefkiosk/prefkiosk.ini
	install -d $(DESTDIR)$(SYSTEMDUNITDIR) $(DESTDIR)$(SYSUSERSDIR)
	sed -e 's|@BINDIR@|$(BINDIR)|g' -e 's|@SYSCONFDIR@|$(SYSCONFDIR)|g' \
		config/systemd/prefkiosk@.service > $(DESTDIR)$(SYSTEMDUNITDIR)/prefkiosk@.service
	chmod 0644 $(DESTDIR)$(SYSTEMDUNITDIR)/prefkiosk@.service
	install -m 0644 config/systemd/prefkiosk.sysusers $(DESTDIR)$(SYSUSERSDIR)/prefkiosk.conf

clean:
	rm -rf build assets/locale

include tests/fuzz/fuzz.mk

.PHONY: all po deps deps-test deps-check run test check bench install clean
.DELETE_ON_ERROR:

-include $(shell find build -name '*.d' 2>/dev/null)
