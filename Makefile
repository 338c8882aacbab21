# podplay's build: one static library that the binary, the unit tests and the fuzz targets all link.

PKGS      := yaml-0.1 jansson libarchive libcrypto libcurl sqlite3 libseccomp libmnl
# Linked are all but libarchive, libcrypto and libcurl, which src/core/ondemand.c loads when first called (most
# commands never call them, and they are most of what a start would map).
LINK_PKGS := yaml-0.1 jansson sqlite3 libseccomp libmnl
CC        ?= cc
BUILD     ?= build
OPT       ?= -O2 -g
WARN      := -Wall -Wextra -Werror -Wshadow -Wformat=2 -Wformat-security -Wstrict-prototypes \
             -Wmissing-prototypes -Wpointer-arith -Wwrite-strings -Wundef -Wcast-qual \
             -Wno-missing-field-initializers
CFLAGS    ?=
CPPFLAGS  += -I. -Isrc -D_GNU_SOURCE
# pkg-config runs when a recipe first needs the flags, once, not when make reads this file: on a new machine
# `deps` installs pkg-config and the -dev packages after make has read it.
pkgconfig = $(eval $1 := $$(shell pkg-config $2))$($1)
PKG_CFLAGS = $(call pkgconfig,PKG_CFLAGS,--cflags $(PKGS))
# The small libraries every command uses are linked from their archives (in the same Debian -dev packages as
# their shared objects): mapping and relocating them was half of a command's start beyond an empty program's,
# and a pod's monitor and each exec probe pay the same start (bench/README.md, "Command start"). libmnl has no
# archive in Debian; libc, libm and libpthread stay shared, as glibc is.
STATIC_PKGS := yaml-0.1 jansson sqlite3 libseccomp
PKG_LIBS   = -Wl,-Bstatic $(call pkgconfig,STATIC_LIBS,--libs $(STATIC_PKGS)) -Wl,-Bdynamic \
             $(call pkgconfig,DYN_LIBS,--libs $(filter-out $(STATIC_PKGS),$(LINK_PKGS)))
# Unit tests make archives and digests of their own with those libraries, so they link them too.
TEST_PKG_LIBS = $(call pkgconfig,TEST_PKG_LIBS,--libs $(filter-out $(LINK_PKGS),$(PKGS)))
# The monitor's own binary links only what supervision needs: a monitor per pod starts faster and keeps less.
MON_PKGS   := jansson sqlite3 libseccomp libmnl
MON_PKG_LIBS = -Wl,-Bstatic $(call pkgconfig,MON_STATIC_LIBS,--libs $(filter $(STATIC_PKGS),$(MON_PKGS))) \
               -Wl,-Bdynamic $(call pkgconfig,MON_DYN_LIBS,--libs $(filter-out $(STATIC_PKGS),$(MON_PKGS)))
MON_LIBS   = $(MON_PKG_LIBS) -lm -lpthread
ALL_CFLAGS = -std=gnu11 $(OPT) $(WARN) $(PKG_CFLAGS) $(SAN) $(CFLAGS)
LDLIBS    += $(PKG_LIBS) -lm -lpthread

LIB_SRC   := $(wildcard src/core/*.c src/image/*.c src/net/*.c src/runtime/*.c src/state/*.c play/*.c generate/*.c) $(filter-out %_main.c,$(wildcard schema/*.c))
CLI_SRC   := $(filter-out %_main.c,$(wildcard src/cli/*.c))
UNIT_SRC  := $(wildcard tests/unit/test_*.c)
LIB_OBJ   := $(LIB_SRC:%.c=$(BUILD)/%.o)
CLI_OBJ   := $(CLI_SRC:%.c=$(BUILD)/%.o)
UNIT_BIN  := $(UNIT_SRC:tests/unit/%.c=$(BUILD)/tests/%)
LIB       := $(BUILD)/libpodplay.a
BIN       := $(BUILD)/podplay
MON_BIN   := $(BUILD)/podplay-monitor
GENDOC    := $(BUILD)/gen-support-doc
# Man pages and completion scripts, written by podplay itself from its command table (src/cli/docs.c).
MAN_DIR   := $(BUILD)/man
COMPLETION := $(BUILD)/completion/podplay $(BUILD)/completion/_podplay
PREFIX    ?= /usr/local
BINDIR    ?= $(PREFIX)/bin
MANDIR    ?= $(PREFIX)/share/man
BASHCOMPDIR ?= $(PREFIX)/share/bash-completion/completions
ZSHCOMPDIR ?= $(PREFIX)/share/zsh/site-functions

.PHONY: all deps check check-unit check-integration check-docs check-asan check-fresh docs demo bench fuzz clean format \
        install uninstall

all: $(BIN) $(MON_BIN) $(MAN_DIR)/podplay.1 $(COMPLETION)

$(BUILD)/%.o: %.c
	@mkdir -p $(dir $@)
	$(CC) $(CPPFLAGS) $(ALL_CFLAGS) -MMD -MP -c $< -o $@

$(LIB): $(LIB_OBJ)
	@rm -f $@
	ar rcs $@ $^

$(BIN): $(CLI_OBJ) $(LIB)
	$(CC) $(ALL_CFLAGS) -o $@ $(CLI_OBJ) $(LIB) $(LDLIBS)

# Found beside podplay (or podplay's hidden `monitor` command runs the same code).
$(MON_BIN): $(BUILD)/src/cli/monitor_main.o $(LIB)
	$(CC) $(ALL_CFLAGS) -o $@ $^ $(MON_LIBS)

# A page per command, all made at once (podplay.1 last): the old ones go, so a removed command leaves no page.
$(MAN_DIR)/podplay.1: $(BIN)
	rm -rf $(MAN_DIR)
	$(BIN) man $(MAN_DIR)

$(BUILD)/completion/podplay: $(BIN)
	@mkdir -p $(dir $@)
	$(BIN) completion bash -f $@

$(BUILD)/completion/_podplay: $(BIN)
	@mkdir -p $(dir $@)
	$(BIN) completion zsh -f $@

# PREFIX and DESTDIR as usual; podplay-monitor goes beside podplay, where podplay looks for it.
install: all
	install -d $(DESTDIR)$(BINDIR) $(DESTDIR)$(MANDIR)/man1 $(DESTDIR)$(BASHCOMPDIR) $(DESTDIR)$(ZSHCOMPDIR)
	install -m 0755 $(BIN) $(MON_BIN) $(DESTDIR)$(BINDIR)/
	install -m 0644 $(MAN_DIR)/*.1 $(DESTDIR)$(MANDIR)/man1/
	install -m 0644 $(BUILD)/completion/podplay $(DESTDIR)$(BASHCOMPDIR)/podplay
	install -m 0644 $(BUILD)/completion/_podplay $(DESTDIR)$(ZSHCOMPDIR)/_podplay

uninstall:
	rm -f $(DESTDIR)$(BINDIR)/podplay $(DESTDIR)$(BINDIR)/podplay-monitor $(DESTDIR)$(MANDIR)/man1/podplay.1 \
	  $(DESTDIR)$(MANDIR)/man1/podplay-*.1 $(DESTDIR)$(BASHCOMPDIR)/podplay $(DESTDIR)$(ZSHCOMPDIR)/_podplay

$(GENDOC): $(BUILD)/schema/gen_support_doc_main.o $(LIB)
	$(CC) $(ALL_CFLAGS) -o $@ $^ $(LDLIBS)

$(BUILD)/tests/%: tests/unit/%.c $(wildcard tests/unit/*.h) $(LIB)
	@mkdir -p $(dir $@)
	$(CC) $(CPPFLAGS) $(ALL_CFLAGS) -Wno-missing-prototypes -o $@ $< $(LIB) $(LDLIBS) $(TEST_PKG_LIBS) -lcmocka

# The dependencies, installed with apt-get when run as root; quiet when all are there.
deps:
	@if [ "$$(id -u)" = 0 ]; then ./scripts/install-deps.sh; else ./scripts/install-deps.sh || true; fi

check: deps
	$(MAKE) all $(GENDOC) $(UNIT_BIN)
	$(MAKE) check-unit check-docs check-integration

# A skipped unit test fails the run: every test here can run as root on this machine.
check-unit: $(UNIT_BIN)
	@set -e; for t in $(UNIT_BIN); do echo "== $$t"; status=0; \
	  K8S_SCHEMA_DIR=tests/data/k8s-schema $$t >$(BUILD)/unit.log 2>&1 || status=$$?; \
	  cat $(BUILD)/unit.log; \
	  if [ $$status != 0 ] || grep -q SKIPPED $(BUILD)/unit.log; then echo "$$t: failed ($$status) or skipped"; exit 1; fi; \
	done

check-integration: $(BIN) $(MON_BIN)
	PODPLAY=$(abspath $(BIN)) ./tests/integration/run

# docs/kubernetes-support.md is generated from the schema tables, docs/man from the command table; the check fails
# when the committed ones differ.
docs: $(GENDOC) $(MAN_DIR)/podplay.1
	$(GENDOC) > docs/kubernetes-support.md
	rm -rf docs/man
	cp -r $(MAN_DIR) docs/man

check-docs: $(GENDOC) $(MAN_DIR)/podplay.1
	@$(GENDOC) | diff -u docs/kubernetes-support.md - \
	  || { echo "docs/kubernetes-support.md is stale: run 'make docs' and commit it"; exit 1; }
	@diff -ru docs/man $(MAN_DIR) || { echo "docs/man is stale: run 'make docs' and commit it"; exit 1; }

# The same tests under AddressSanitizer and UndefinedBehaviorSanitizer, then the fuzz targets for a bounded time.
check-asan: deps
	$(MAKE) BUILD=build-asan OPT="-O1 -g -fno-omit-frame-pointer" \
	  SAN="-fsanitize=address,undefined -fno-sanitize-recover=all" all build-asan/gen-support-doc unit-bins-asan
	ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=print_stacktrace=1 $(MAKE) BUILD=build-asan \
	  SAN="-fsanitize=address,undefined -fno-sanitize-recover=all" check-unit check-docs check-integration
	$(MAKE) fuzz FUZZ_SECONDS=$${FUZZ_SECONDS:-60}

unit-bins-asan: $(UNIT_BIN)

FUZZ_SECONDS ?= 60
# The YAML loader and validator; image manifests, indexes and configs; the layer unpacker.
FUZZ_TARGETS := load image unpack dns
FUZZ_BINS := $(FUZZ_TARGETS:%=build-fuzz/fuzz_%)
FUZZ_CFLAGS = -std=gnu11 -O1 -g $(CPPFLAGS) $(PKG_CFLAGS) -fno-sanitize-recover=all
FUZZ_OBJ := $(LIB_SRC:%.c=build-fuzz/obj/%.o)
# The library once, instrumented for coverage; each target links it with libFuzzer's main.
build-fuzz/obj/%.o: %.c
	@mkdir -p $(dir $@)
	clang $(FUZZ_CFLAGS) -fsanitize=fuzzer-no-link,address,undefined -MMD -MP -c $< -o $@

build-fuzz/fuzz_%: tests/fuzz/fuzz_%.c $(FUZZ_OBJ)
	clang $(FUZZ_CFLAGS) -fsanitize=fuzzer,address,undefined -o $@ $< $(FUZZ_OBJ) $(LDLIBS)

# Runs every target for its share of FUZZ_SECONDS, seeded from the tree (tests/fuzz/run says with what).
fuzz: $(FUZZ_BINS)
	./tests/fuzz/run $(FUZZ_SECONDS) $(FUZZ_BINS)

.SECONDARY: $(FUZZ_OBJ)
-include $(FUZZ_OBJ:.o=.d)

# A make of its own after deps: the two would run at once under -j.
demo: deps
	$(MAKE) all
	./scripts/demo.sh $(BIN)

# The README's two commands, as a new user runs them: in a brand-new minimal Debian 12 root (debootstrap minbase,
# made once and cached) that the shared fresh-debian tool beside this repository makes; it copies the committed
# tree (HEAD), so commit first. Long: the whole install, build and suite from nothing.
FRESH_DEBIAN ?= ../shared/tools/fresh-debian
check-fresh:
	@test -x $(FRESH_DEBIAN) || { echo "check-fresh: $(FRESH_DEBIAN) is missing (the project's shared tools)" >&2; exit 1; }
	@git diff --quiet HEAD 2>/dev/null || echo "check-fresh: uncommitted changes are left out: it runs HEAD" >&2
	$(FRESH_DEBIAN) . "./podplay-dev demo" "./podplay-dev check"

# Benchmarks compare with Podman, which the install script adds only for them (--bench).
bench: all
	@if [ "$$(id -u)" = 0 ]; then ./scripts/install-deps.sh --bench; fi
	./bench/start.sh $(BIN)
	./bench/validate.sh $(BIN)
	./bench/images.sh $(BIN)
	./bench/play.sh $(BIN)
	./bench/network.sh $(BIN)

format:
	clang-format -i $(LIB_SRC) $(CLI_SRC) $(wildcard src/*/*.h schema/*.h play/*.h generate/*.h tests/unit/*.c tests/unit/*.h tests/fuzz/*.c)

clean:
	rm -rf build build-asan build-fuzz

-include $(LIB_OBJ:.o=.d) $(CLI_OBJ:.o=.d) $(BUILD)/src/cli/monitor_main.d
