# wijkscan - plain GNU make.  `make` builds build/wijkscan; `make run` installs
# what is missing, builds and runs the default study; `make test` installs,
# builds and runs every test.  SAN=1 builds with ASan+UBSan; DEVELOPER=1 (and
# CI) adds -Werror.

PREFIX  ?= /usr/local
DESTDIR ?=
BUILD   ?= build
CC      ?= cc

PKGS := gdal proj sqlite3 spatialite cairo pangocairo fontconfig libpng gsl inih
PKG_CFLAGS = $(shell pkg-config --cflags $(PKGS) 2>/dev/null)
PKG_LIBS   = $(shell pkg-config --libs $(PKGS) 2>/dev/null) -lglpk -lm -lpthread

WS_CFLAGS := -std=c11 -D_POSIX_C_SOURCE=200809L -D_DEFAULT_SOURCE -Iinclude \
	-Wall -Wextra -Wpedantic -Wshadow -Wstrict-prototypes -Wmissing-prototypes \
	-Wold-style-definition -Wvla -Wwrite-strings -Wformat=2 -Wpointer-arith \
	-MMD -MP
ifeq ($(origin CFLAGS),default)
CFLAGS := -O2 -g
endif
CFLAGS ?= -O2 -g
ifneq ($(DEVELOPER)$(CI),)
WS_CFLAGS += -Werror
endif
ifeq ($(SAN),1)
BUILD := build-san
WS_CFLAGS += -fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer
WS_LDFLAGS += -fsanitize=address,undefined
# the property tests with fewer random tables: the full count runs in the plain build
export WS_TEST_QUICK := 1
# leaks inside third-party libraries (see the file)
export LSAN_OPTIONS := suppressions=$(CURDIR)/tests/lsan.supp:print_suppressions=0
endif

VERSION := 0.1.0
WS_CFLAGS += -DWS_VERSION=\"$(VERSION)\" -DWS_DATADIR=\"$(PREFIX)/share/wijkscan\"

LIB_SRC := $(sort $(wildcard src/core/*.c src/load/*.c src/store/*.c src/analyse/*.c \
	src/protect/*.c src/render/*.c src/report/*.c))
CLI_SRC := src/main.c $(sort $(wildcard src/cli/*.c))
LIB_OBJ := $(LIB_SRC:%.c=$(BUILD)/%.o)
CLI_OBJ := $(CLI_SRC:%.c=$(BUILD)/%.o)
LIB     := $(BUILD)/libwijkscan.a
# the CLI's stage drivers without main(), for the unit tests that drive a store
CLI_LIB := $(BUILD)/libwijkscan-cli.a
BIN     := $(BUILD)/wijkscan

TEST_SRC := $(sort $(wildcard tests/unit/test_*.c))
TEST_BIN := $(TEST_SRC:tests/unit/%.c=$(BUILD)/tests/%)

# libFuzzer harnesses (tests/fuzz/fuzz_NAME.c); replay_NAME runs one over its
# corpus tests/fuzz/corpus/NAME/ without libFuzzer, as part of `make test`
FUZZ_NAMES   := study mapdef csv number pii
FUZZ_REPLAY  := $(FUZZ_NAMES:%=$(BUILD)/tests/replay_%)
FUZZ_SECONDS ?= 60

.PHONY: all deps run test unit cli check format format-check tidy check-includes \
	valgrind bench clean install uninstall fuzz fuzz-replay
.DEFAULT_GOAL := all

all: $(BIN)

deps:
	@sh scripts/install-deps.sh

ifeq ($(V),1)
Q :=
else
Q := @
endif

$(BUILD)/%.o: %.c
	@mkdir -p $(dir $@)
	@$(if $(Q),echo "  CC      $<")
	$(Q)$(CC) $(WS_CFLAGS) $(PKG_CFLAGS) $(CPPFLAGS) $(CFLAGS) -c -o $@ $<

$(LIB): $(LIB_OBJ)
	@rm -f $@
	@$(if $(Q),echo "  AR      $@")
	$(Q)ar rcs $@ $^

$(CLI_LIB): $(filter-out $(BUILD)/src/main.o,$(CLI_OBJ))
	@rm -f $@
	@$(if $(Q),echo "  AR      $@")
	$(Q)ar rcs $@ $^

$(BIN): $(CLI_OBJ) $(LIB)
	@$(if $(Q),echo "  LINK    $@")
	$(Q)$(CC) $(WS_LDFLAGS) $(LDFLAGS) -o $@ $(CLI_OBJ) $(LIB) $(PKG_LIBS)

$(BUILD)/tests/%: tests/unit/%.c tests/helpers.h $(CLI_LIB) $(LIB)
	@mkdir -p $(dir $@)
	@$(if $(Q),echo "  TEST    $@")
	$(Q)$(CC) $(WS_CFLAGS) -Itests $(PKG_CFLAGS) $(CPPFLAGS) $(CFLAGS) $(WS_LDFLAGS) $(LDFLAGS) \
		-o $@ $< $(CLI_LIB) $(LIB) $(PKG_LIBS) -lcmocka

$(BUILD)/tests/replay_%: tests/fuzz/fuzz_%.c tests/fuzz/driver.c tests/fuzz/fuzz.h $(LIB)
	@mkdir -p $(dir $@)
	@$(if $(Q),echo "  FUZZ    $@")
	$(Q)$(CC) $(WS_CFLAGS) -Itests/fuzz $(PKG_CFLAGS) $(CPPFLAGS) $(CFLAGS) $(WS_LDFLAGS) \
		$(LDFLAGS) -o $@ tests/fuzz/fuzz_$*.c tests/fuzz/driver.c $(LIB) $(PKG_LIBS)

run: deps
	@$(MAKE) --no-print-directory all
	$(BIN) run

# `make test`: install what is missing, build, run unit and CLI tests.
test: deps
	@$(MAKE) --no-print-directory all $(TEST_BIN) $(FUZZ_REPLAY)
	@$(MAKE) --no-print-directory unit fuzz-replay cli

unit: $(TEST_BIN)
	@VALGRIND="$(VALGRIND)" sh scripts/run-unit-tests.sh $(TEST_BIN)

fuzz-replay: $(FUZZ_REPLAY)
	@for n in $(FUZZ_NAMES); do \
		$(VALGRIND) $(BUILD)/tests/replay_$$n tests/fuzz/corpus/$$n || exit 1; done

# `make fuzz FUZZ_SECONDS=N`: each harness N seconds under libFuzzer with
# ASan+UBSan (clang), one after the other; see scripts/fuzz.sh
fuzz:
	@sh scripts/fuzz.sh $(FUZZ_SECONDS) $(FUZZ_NAMES)

print-cflags:
	@echo $(WS_CFLAGS) $(PKG_CFLAGS)

print-libs:
	@echo $(PKG_LIBS)

cli: $(BIN)
	@VALGRIND="$(VALGRIND)" sh scripts/run-cli-tests.sh $(BIN)

VALGRIND_CMD := valgrind -q --leak-check=full --errors-for-leak-kinds=definite \
	--error-exitcode=99 --suppressions=tests/valgrind.supp
valgrind: deps
	@$(MAKE) --no-print-directory all $(TEST_BIN) $(FUZZ_REPLAY)
	@WS_TEST_QUICK=1 $(MAKE) --no-print-directory unit fuzz-replay cli VALGRIND="$(VALGRIND_CMD)"

check: format-check check-includes tidy test

format:
	clang-format -i $(LIB_SRC) $(CLI_SRC) $(wildcard include/wijkscan/*/*.h) $(TEST_SRC) tests/helpers.h $(wildcard tests/fuzz/*.c tests/fuzz/*.h)

format-check:
	@sh scripts/check-format.sh

check-includes:
	@sh scripts/check-includes.sh

tidy:
	@sh scripts/run-tidy.sh

bench: all
	@sh scripts/bench.sh

install: $(BIN)
	install -d $(DESTDIR)$(PREFIX)/bin $(DESTDIR)$(PREFIX)/share/wijkscan/maps \
		$(DESTDIR)$(PREFIX)/share/wijkscan/data/groningen
	install -m 755 $(BIN) $(DESTDIR)$(PREFIX)/bin/wijkscan
	# the installed study writes to out/ in the working folder, not into share/
	sed '/^\[output\]/,$$d' data/groningen.ini >$(DESTDIR)$(PREFIX)/share/wijkscan/data/groningen.ini
	chmod 644 $(DESTDIR)$(PREFIX)/share/wijkscan/data/groningen.ini
	install -m 644 data/groningen/* $(DESTDIR)$(PREFIX)/share/wijkscan/data/groningen/
	if ls maps/*.ini >/dev/null 2>&1; then install -m 644 maps/*.ini $(DESTDIR)$(PREFIX)/share/wijkscan/maps/; fi

uninstall:
	rm -f $(DESTDIR)$(PREFIX)/bin/wijkscan
	rm -rf $(DESTDIR)$(PREFIX)/share/wijkscan

clean:
	rm -rf build build-san build-fuzz

-include $(LIB_OBJ:.o=.d) $(CLI_OBJ:.o=.d)
