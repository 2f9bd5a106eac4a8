# SPDX-License-Identifier: GPL-2.0-only
# bgpshield: one entry point.  `make help` lists the targets.
.DELETE_ON_ERROR:
.DEFAULT_GOAL := all

CC ?= gcc
CLANG ?= clang
BPFTOOL ?= bpftool
PREFIX ?= /usr/local
DESTDIR ?=
SBINDIR ?= $(PREFIX)/sbin
# Debian 12's systemd paths (pkg-config --variable=... systemd).
UNITDIR ?= /lib/systemd/system
SYSUSERSDIR ?= /usr/lib/sysusers.d
TMPFILESDIR ?= /usr/lib/tmpfiles.d
O ?= build

ifeq ($(V),1)
Q :=
msg = @true
else
Q := @
msg = @printf '  %-8s %s\n' $(1) $(2)
endif

ARCH := $(shell uname -m | sed -e 's/x86_64/x86/' -e 's/aarch64/arm64/')
MULTIARCH := $(shell $(CC) -print-multiarch 2>/dev/null)

CFLAGS ?= -O2 -g
override CFLAGS += -std=gnu11 -Wall -Wextra -Werror -D_GNU_SOURCE
LDLIBS := -lbpf -lelf -lz -lmnl
BPF_CFLAGS := -g -O2 -target bpf -D__TARGET_ARCH_$(ARCH) -Iinclude \
	-I/usr/include/$(MULTIARCH) -Wall -Werror

ABI := include/bgpshield_guard.h
DEPFLAGS = -MMD -MP

# --- rooms -----------------------------------------------------------------
# user/ has one folder per role (docs/ARCHITECTURE.md has the map).  Each
# room is compiled seeing only the headers of the rooms it may use, so a
# forbidden #include does not compile; check-layout.sh checks the same at
# link level.  The rule that matters: the engine's rooms (lib, config, bgp,
# api and the engine's files in daemon/) never see user/guard/, the loader
# that holds the BPF fds, which only the parent and bgpshieldctl link.
INC_lib := -Iinclude -Iuser/lib
INC_config := $(INC_lib) -Iuser/config
INC_bgp := $(INC_config) -Iuser/bgp
INC_api := $(INC_bgp) -Iuser/api -Iuser/daemon
INC_engine := $(INC_api)
INC_guard := $(INC_lib) -Iuser/guard -I$(O)
INC_parent := $(INC_engine) -Iuser/guard
INC_ctl := $(INC_parent) -Iuser/ctl
# tests, fuzzers and tools see every room
INC_all := $(INC_ctl) -I$(O)

room_objs = $(patsubst user/%.c,$(O)/%.o,$(wildcard user/$(1)/*.c))
LIB_OBJS := $(call room_objs,lib)
CONFIG_OBJS := $(call room_objs,config)
BGP_OBJS := $(call room_objs,bgp)
API_OBJS := $(call room_objs,api)
GUARD_OBJS := $(call room_objs,guard)
CTL_OBJS := $(call room_objs,ctl)
# daemon/: bgpshieldd's processes.  The parent's files (main, the parent,
# the API process starter) may use the guard; the rest runs in the engine.
PARENT_OBJS := $(addprefix $(O)/daemon/,bgpshieldd.o parent.o proc.o)
ENGINE_OBJS := $(filter-out $(PARENT_OBJS),$(call room_objs,daemon))
ALL_OBJS := $(LIB_OBJS) $(CONFIG_OBJS) $(BGP_OBJS) $(API_OBJS) \
	$(GUARD_OBJS) $(CTL_OBJS) $(PARENT_OBJS) $(ENGINE_OBJS)

$(LIB_OBJS): INC := $(INC_lib)
$(CONFIG_OBJS): INC := $(INC_config)
$(BGP_OBJS): INC := $(INC_bgp)
$(API_OBJS): INC := $(INC_api)
$(ENGINE_OBJS): INC := $(INC_engine)
$(GUARD_OBJS): INC := $(INC_guard)
$(PARENT_OBJS): INC := $(INC_parent)
$(CTL_OBJS): INC := $(INC_ctl)

# One archive per library room: a binary names the rooms it may use and the
# linker takes only the objects it needs from them.
$(O)/libapi.a: $(API_OBJS)
$(O)/libbgp.a: $(BGP_OBJS)
$(O)/libconfig.a: $(CONFIG_OBJS)
$(O)/libguard.a: $(GUARD_OBJS)
$(O)/liblib.a: $(LIB_OBJS)
$(O)/lib%.a:
	$(call msg,AR,$@)
	$(Q)rm -f $@ && $(AR) rcs $@ $^

ENGINE_LIBS := $(addprefix $(O)/,libapi.a libbgp.a libconfig.a liblib.a)
ALL_LIBS := $(addprefix $(O)/,libapi.a libbgp.a libconfig.a libguard.a liblib.a)
link_libs = -Wl,--start-group $(1) -Wl,--end-group

BINS := $(O)/bgpshieldctl $(O)/bgpshieldd
TESTS_BPF := $(O)/test_guard $(O)/test_flowspec_bpf

.PHONY: all deps soak test test-unit test-docs test-compat test-bpf test-netns bench bench-guard bench-flowspec bench-bgp bench-api bench-reconnect check-asan \
	clean install demo help fmt fuzz fuzz-build asan-daemon check-asan-daemon \
	check-layout

all: $(BINS)

$(O):
	$(Q)mkdir -p $(O)

# BPF object -> skeleton: the object is embedded in the binaries.
$(O)/guard.bpf.o: bpf/guard.bpf.c $(ABI) | $(O)
	$(call msg,CLANG,$@)
	$(Q)$(CLANG) $(BPF_CFLAGS) -c $< -o $(O)/guard.tmp.o
	$(Q)$(BPFTOOL) gen object $@ $(O)/guard.tmp.o
	$(Q)rm -f $(O)/guard.tmp.o

$(O)/guard.skel.h: $(O)/guard.bpf.o
	$(call msg,SKEL,$@)
	$(Q)$(BPFTOOL) gen skeleton $< name guard_bpf > $@

$(O)/%.o: user/%.c
	$(call msg,CC,$@)
	@mkdir -p $(@D)
	$(Q)$(CC) $(CFLAGS) $(DEPFLAGS) $(INC) -c $< -o $@

# Only the loader includes the skeleton; other rooms need not wait for it.
$(GUARD_OBJS): $(O)/guard.skel.h

-include $(ALL_OBJS:.o=.d)

$(O)/bgpshieldctl: $(CTL_OBJS) $(ALL_LIBS)
	$(call msg,LD,$@)
	$(Q)$(CC) $(CFLAGS) $(LDFLAGS) $(CTL_OBJS) $(call link_libs,$(ALL_LIBS)) \
		-o $@ $(LDLIBS)

$(O)/bgpshieldd: $(PARENT_OBJS) $(ENGINE_OBJS) $(ALL_LIBS) $(O)/layout.ok
	$(call msg,LD,$@)
	$(Q)$(CC) $(CFLAGS) $(LDFLAGS) $(PARENT_OBJS) $(ENGINE_OBJS) \
		$(call link_libs,$(ALL_LIBS)) -o $@ $(LDLIBS) -lseccomp

# The engine's objects, with everything they pull from the library rooms,
# need no symbol defined in user/guard/.
$(O)/layout.ok: scripts/check-layout.sh $(ENGINE_OBJS) $(ENGINE_LIBS) $(GUARD_OBJS)
	$(call msg,LAYOUT,$@)
	$(Q)scripts/check-layout.sh "$(ENGINE_OBJS)" "$(ENGINE_LIBS)" \
		"$(GUARD_OBJS)" && touch $@

check-layout: $(O)/layout.ok

# --- tests ----------------------------------------------------------------
# Tests see every room and link the archives: each takes what it uses.
TEST_LINK = $(CC) $(CFLAGS) $(INC_all) $(LDFLAGS) $(filter %.c %.o,$^) \
	$(call link_libs,$(ALL_LIBS)) -o $@ $(LDLIBS) -lcunit

$(O)/test_guard: selftests/bpf/test_guard.c $(O)/guard.skel.h $(ALL_LIBS)
	$(call msg,CC,$@)
	$(Q)$(TEST_LINK)

$(O)/test_flowspec_bpf: selftests/bpf/test_flowspec_bpf.c $(O)/guard.skel.h $(ALL_LIBS)
	$(call msg,CC,$@)
	$(Q)$(TEST_LINK)

$(O)/test_loader: selftests/bpf/test_loader.c $(O)/guard.skel.h $(ALL_LIBS)
	$(call msg,CC,$@)
	$(Q)$(TEST_LINK)

# Unit tests, one per module; the daemon/ objects some of them need (the
# archives hold the rest).
UNIT_TESTS := addr config imsg bgp_wire tcpsec rib session plist api \
	api_json filter metrics proc flowspec flowset flowenf
UNIT_BINS := $(addprefix $(O)/test_,$(UNIT_TESTS))
$(O)/test_imsg: $(O)/daemon/imsg.o
$(O)/test_flowset: $(O)/daemon/flowset.o $(O)/daemon/imsg.o
$(O)/test_flowenf: $(O)/daemon/flowenf.o $(O)/daemon/flowset.o \
	$(O)/daemon/imsg.o
$(O)/test_metrics: $(O)/daemon/metrics.o
# test_proc starts real processes as user nobody: it needs root
$(O)/test_proc: $(O)/daemon/proc.o

$(UNIT_BINS): $(O)/test_%: selftests/unit/test_%.c $(ALL_LIBS)
	$(call msg,CC,$@)
	$(Q)$(TEST_LINK)

test-unit: $(UNIT_BINS)
	$(Q)for t in $(UNIT_BINS); do $$t || exit 1; done

test-bpf: $(O)/test_guard $(O)/test_flowspec_bpf $(O)/test_loader
	$(O)/test_guard
	$(O)/test_flowspec_bpf
	$(O)/test_loader

test-netns: all $(O)/blaster $(O)/flood_gen $(O)/fs_apply
	selftests/netns/run.sh

test: deps all test-unit test-docs test-compat test-bpf test-netns

# ExaBGP's example configs through bgpshieldd -t, each with its outcome.
test-compat: all
	$(Q)selftests/compat/test_exabgp_examples.sh $(O)/bgpshieldd

# The man pages render without warnings and have their sections.
test-docs:
	$(Q)scripts/check-man.sh

# --- fuzzing (libFuzzer: clang, its own build folder) -----------------------
FUZZERS := bgp roundtrip config api imsg flowspec
FUZZ_SECONDS ?= 60
FUZZ_CFLAGS := -O1 -g -fno-omit-frame-pointer \
	-fsanitize=fuzzer-no-link,address,undefined -fno-sanitize-recover=all
FUZZ_LINK = $(call msg,FUZZ,$@); \
	$(CC) $(CFLAGS) $(INC_all) -fsanitize=fuzzer,address,undefined \
	$(filter %.c %.o,$^) $(call link_libs,$(ALL_LIBS)) -o $@ $(LDLIBS)

$(O)/fuzz_imsg: $(O)/daemon/imsg.o
$(O)/fuzz_%: selftests/fuzz/fuzz_%.c $(ALL_LIBS)
	$(Q)$(FUZZ_LINK)

fuzz-build: $(addprefix $(O)/fuzz_,$(FUZZERS))

# Each harness FUZZ_SECONDS (default 60) from the committed seeds; new
# inputs go to build-fuzz/corpus-*, crashes to build-fuzz/crash-*.
fuzz:
	$(MAKE) O=build-fuzz CC=$(CLANG) CFLAGS="$(FUZZ_CFLAGS)" fuzz-build
	scripts/fuzz.sh build-fuzz $(FUZZ_SECONDS) $(FUZZERS)

# The daemon built with ASan/UBSan (its engine unconfined: sandbox.c), for
# the fault tests' leak check: BGPS_DAEMON=build-asan/bgpshieldd.
asan-daemon:
	$(MAKE) O=build-asan CFLAGS="-O1 -g -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=all" \
		LDFLAGS="-fsanitize=address,undefined" build-asan/bgpshieldd

# Peer flaps against the sanitizer daemon: LeakSanitizer's verdict at exit.
check-asan-daemon: all asan-daemon
	BGPS_DAEMON=$(CURDIR)/build-asan/bgpshieldd FLAPS=$(or $(FLAPS),40) \
		bash selftests/netns/test_faults.sh flaps

# ASan/UBSan build of the tests in its own folder.
check-asan:
	$(MAKE) O=build-asan CFLAGS="-O1 -g -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=all" \
		LDFLAGS="-fsanitize=address,undefined" test-unit test-bpf

# --- benchmarks (figures printed, never pass/fail on time) ---------------
$(O)/bench_guard: selftests/bench/bench_guard.c $(O)/guard.skel.h $(ABI)
	$(call msg,CC,$@)
	$(Q)$(CC) $(CFLAGS) $(INC_all) $< -o $@ $(LDLIBS)

# links the guard room: guard_flow_apply() fills the tables it measures
$(O)/bench_flowspec: selftests/bench/bench_flowspec.c $(O)/guard.skel.h $(ALL_LIBS)
	$(call msg,CC,$@)
	$(Q)$(CC) $(CFLAGS) $(INC_all) $(LDFLAGS) $< \
		$(call link_libs,$(ALL_LIBS)) -o $@ $(LDLIBS)

# The flowspec matcher's cost with 1, 100 and 1,000 rules (test_run)
bench-flowspec: $(O)/bench_flowspec
	$(O)/bench_flowspec

$(O)/flood_gen.bpf.o: selftests/bench/flood_gen.bpf.c | $(O)
	$(call msg,CLANG,$@)
	$(Q)$(CLANG) $(BPF_CFLAGS) -c $< -o $(O)/flood_gen.tmp.o
	$(Q)$(BPFTOOL) gen object $@ $(O)/flood_gen.tmp.o
	$(Q)rm -f $(O)/flood_gen.tmp.o

$(O)/flood_gen.skel.h: $(O)/flood_gen.bpf.o
	$(call msg,SKEL,$@)
	$(Q)$(BPFTOOL) gen skeleton $< name flood_gen_bpf > $@

$(O)/flood_gen: selftests/bench/flood_gen.c $(O)/flood_gen.skel.h
	$(call msg,CC,$@)
	$(Q)$(CC) $(CFLAGS) $(INC_all) $< -o $@ $(LDLIBS)

BENCH_BINS := $(O)/bench_guard $(O)/flood_gen

$(O)/blaster: selftests/tools/blaster.c $(ALL_LIBS)
	$(call msg,CC,$@)
	$(Q)$(CC) $(CFLAGS) $(INC_all) $(LDFLAGS) $< $(call link_libs,$(ALL_LIBS)) \
		-o $@ $(LDLIBS)

$(O)/fs_apply: selftests/tools/fs_apply.c $(ALL_LIBS)
	$(call msg,CC,$@)
	$(Q)$(CC) $(CFLAGS) $(INC_all) $(LDFLAGS) $< $(call link_libs,$(ALL_LIBS)) \
		-o $@ $(LDLIBS)

$(O)/apigen: selftests/tools/apigen.c | $(O)
	$(call msg,CC,$@)
	$(Q)$(CC) $(CFLAGS) $(LDFLAGS) $< -o $@

bench: bench-guard bench-flowspec bench-bgp bench-api bench-reconnect

# The long fault tests (1000 flaps, the 240 s / 90 s peer timeouts); not
# part of `make test`.  FLAPS=N, ABUSE_S=N, BLAST_N=N.
soak: all $(O)/blaster
	scripts/soak.sh

# 1M IPv4 prefixes into bgpshieldd and into BIRD, same stream (QUICK=1: 100k)
bench-bgp: all $(O)/blaster
	scripts/bench-bgp.sh $(if $(QUICK),--quick)

# 1M API announces through bgpshieldd into BIRD and into a second
# bgpshieldd (QUICK=1: 100k, 1 repetition; REPEAT=N repetitions)
bench-api: all $(O)/apigen
	scripts/bench-api.sh $(if $(QUICK),--quick) $(if $(REPEAT),--reps $(REPEAT))

bench-guard: all $(BENCH_BINS)
	scripts/bench-guard.sh

# BIRD's reconnects under a spoofed SYN flood in its name, the guard's
# binding on and off (QUICK=1: 5 reconnects per run instead of 10)
bench-reconnect: all $(O)/flood_gen
	scripts/bench-reconnect.sh $(if $(QUICK),--quick)

deps:
	$(Q)scripts/deps.sh

# The lab of the README's first command (never part of `make test`);
# DEMO_HOLD=1 keeps it up after the summary.
demo: deps all
	$(Q)DEMO_HOLD=$(DEMO_HOLD) scripts/demo.sh

install: all
	install -d $(DESTDIR)$(SBINDIR)
	install -m 0755 $(BINS) $(DESTDIR)$(SBINDIR)/
	install -d -m 0750 $(DESTDIR)/etc/bgpshield
	install -d $(DESTDIR)$(PREFIX)/share/bgpshield/examples \
		$(DESTDIR)$(PREFIX)/share/doc/bgpshield
	install -m 0644 deploy/examples/*.conf \
		$(DESTDIR)$(PREFIX)/share/bgpshield/examples/
	install -m 0644 deploy/nftables/bgpshield-guard.nft \
		$(DESTDIR)$(PREFIX)/share/bgpshield/
	install -m 0644 README.md docs/*.md $(DESTDIR)$(PREFIX)/share/doc/bgpshield/
	install -d $(DESTDIR)$(PREFIX)/share/man/man8 \
		$(DESTDIR)$(PREFIX)/share/man/man5
	install -m 0644 docs/man/bgpshieldd.8 docs/man/bgpshieldctl.8 \
		$(DESTDIR)$(PREFIX)/share/man/man8/
	install -m 0644 docs/man/bgpshield.conf.5 \
		$(DESTDIR)$(PREFIX)/share/man/man5/
	@# deploy/: Debian's paths (pkg-config systemd), whatever PREFIX is
	install -d $(DESTDIR)$(UNITDIR) $(DESTDIR)$(SYSUSERSDIR) \
		$(DESTDIR)$(TMPFILESDIR) $(DESTDIR)/etc/apparmor.d \
		$(DESTDIR)/etc/logrotate.d
	sed 's#/usr/sbin/bgpshieldd#$(SBINDIR)/bgpshieldd#g' \
		deploy/systemd/bgpshieldd.service \
		>$(DESTDIR)$(UNITDIR)/bgpshieldd.service
	chmod 0644 $(DESTDIR)$(UNITDIR)/bgpshieldd.service
	install -m 0644 deploy/sysusers.d/bgpshield.conf \
		$(DESTDIR)$(SYSUSERSDIR)/bgpshield.conf
	install -m 0644 deploy/tmpfiles.d/bgpshield.conf \
		$(DESTDIR)$(TMPFILESDIR)/bgpshield.conf
	install -m 0644 deploy/apparmor/usr.sbin.bgpshieldd \
		$(DESTDIR)/etc/apparmor.d/usr.sbin.bgpshieldd
	install -m 0644 deploy/logrotate/bgpshield \
		$(DESTDIR)/etc/logrotate.d/bgpshield
	@# the engine's user; only on the live system, never into DESTDIR
	@if [ -z "$(DESTDIR)" ] && ! getent passwd bgpshield >/dev/null; then \
		echo "creating system user bgpshield"; \
		useradd --system --no-create-home --home-dir /nonexistent \
			--shell /usr/sbin/nologin bgpshield; \
	fi

fmt:
	clang-format -i bpf/*.c include/*.h user/*/*.c user/*/*.h selftests/*/*.c

clean:
	rm -rf $(O) build-asan build-fuzz

help:
	@echo 'targets: all (default) deps test test-unit test-docs test-compat test-bpf test-netns bench bench-guard bench-bgp bench-api bench-reconnect'
	@echo '         check-asan demo install clean fmt    variables: V=1 O=DIR PREFIX DESTDIR'
