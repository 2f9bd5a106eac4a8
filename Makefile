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
override CFLAGS += -std=gnu11 -Wall -Wextra -Werror -D_GNU_SOURCE \
	-Iinclude -Iuser -I$(O)
LDLIBS := -lbpf -lelf -lz -lmnl
BPF_CFLAGS := -g -O2 -target bpf -D__TARGET_ARCH_$(ARCH) -Iinclude \
	-I/usr/include/$(MULTIARCH) -Wall -Werror

ABI := include/bgpshield_guard.h

# Everything the daemon and the CLI share (the guard loader and helpers).
LIB_SRCS := user/guard.c user/addr.c user/log.c
LIB_OBJS := $(LIB_SRCS:user/%.c=$(O)/%.o)

DAEMON_SRCS := user/bgpshieldd.c user/parent.c user/engine.c user/imsg.c \
	user/sandbox.c user/config.c user/secfile.c user/tcpsec.c \
	user/session.c user/bgp_wire.c user/bgp_buf.c user/rib.c user/plist.c \
	user/api_json.c
DAEMON_SRCS += user/api.c
DAEMON_SRCS += user/filter.c
DAEMON_SRCS += user/proc.c
DAEMON_SRCS += user/apiproc.c
DAEMON_SRCS += user/metrics.c
DAEMON_OBJS := $(DAEMON_SRCS:user/%.c=$(O)/%.o)

BINS := $(O)/bgpshieldctl $(O)/bgpshieldd
TESTS_BPF := $(O)/test_guard

.PHONY: all deps soak test test-unit test-docs test-bpf test-netns bench bench-guard bench-bgp bench-api check-asan \
	clean install demo help fmt fuzz fuzz-build asan-daemon check-asan-daemon

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

$(O)/%.o: user/%.c $(O)/guard.skel.h $(ABI) $(wildcard user/*.h) | $(O)
	$(call msg,CC,$@)
	$(Q)$(CC) $(CFLAGS) -c $< -o $@

$(O)/bgpshieldctl: $(O)/bgpshieldctl.o $(O)/api_json.o $(O)/bgp_wire.o \
		$(O)/bgp_buf.o $(LIB_OBJS)
	$(call msg,LD,$@)
	$(Q)$(CC) $(CFLAGS) $(LDFLAGS) $^ -o $@ $(LDLIBS)

# bgpshieldctl announce/withdraw check lines with the daemon's parser.
$(O)/bgpshieldctl: $(O)/api.o

# bgpshieldctl show bogons prints filter.c's table.
$(O)/bgpshieldctl: $(O)/filter.o $(O)/plist.o

# bgpshieldctl keygen and guard nft (the config's guard rules).
$(O)/bgpshieldctl: $(O)/ctl_tools.o $(O)/config.o $(O)/secfile.o

# bgpshieldctl audit: the config's loader, the TCP-AO probe, sock_diag.
$(O)/bgpshieldctl: $(O)/ctl_audit.o $(O)/config.o $(O)/secfile.o \
	$(O)/tcpsec.o $(O)/plist.o

$(O)/bgpshieldd: $(DAEMON_OBJS) $(LIB_OBJS)
	$(call msg,LD,$@)
	$(Q)$(CC) $(CFLAGS) $(LDFLAGS) $^ -o $@ $(LDLIBS) -lseccomp

# --- tests ----------------------------------------------------------------
$(O)/test_guard: selftests/bpf/test_guard.c $(O)/guard.skel.h $(ABI) $(LIB_OBJS)
	$(call msg,CC,$@)
	$(Q)$(CC) $(CFLAGS) $(LDFLAGS) $< $(LIB_OBJS) -o $@ $(LDLIBS) -lcunit

$(O)/test_loader: selftests/bpf/test_loader.c $(O)/guard.skel.h $(ABI) $(LIB_OBJS)
	$(call msg,CC,$@)
	$(Q)$(CC) $(CFLAGS) $(LDFLAGS) $< $(LIB_OBJS) -o $@ $(LDLIBS) -lcunit

CONFIG_OBJS := $(O)/config.o $(O)/secfile.o $(O)/plist.o

$(O)/test_config: selftests/unit/test_config.c $(CONFIG_OBJS) $(LIB_OBJS)
	$(call msg,CC,$@)
	$(Q)$(CC) $(CFLAGS) $(LDFLAGS) $< $(CONFIG_OBJS) $(LIB_OBJS) -o $@ $(LDLIBS) -lcunit

$(O)/test_imsg: selftests/unit/test_imsg.c $(O)/imsg.o
	$(call msg,CC,$@)
	$(Q)$(CC) $(CFLAGS) $(LDFLAGS) $< $(O)/imsg.o -o $@ -lcunit

BGP_OBJS := $(O)/bgp_buf.o $(O)/bgp_wire.o

$(O)/test_bgp_wire: selftests/unit/test_bgp_wire.c $(BGP_OBJS) $(O)/addr.o
	$(call msg,CC,$@)
	$(Q)$(CC) $(CFLAGS) $(LDFLAGS) $< $(BGP_OBJS) $(O)/addr.o -o $@ -lcunit

$(O)/test_tcpsec: selftests/unit/test_tcpsec.c $(O)/tcpsec.o $(O)/addr.o
	$(call msg,CC,$@)
	$(Q)$(CC) $(CFLAGS) $(LDFLAGS) $< $(O)/tcpsec.o $(O)/addr.o -o $@ -lcunit

SESSION_TEST_OBJS := $(O)/session.o $(O)/rib.o $(O)/tcpsec.o $(BGP_OBJS) \
	$(O)/filter.o $(O)/config.o $(O)/secfile.o $(O)/plist.o $(LIB_OBJS)

$(O)/test_session: selftests/unit/test_session.c $(SESSION_TEST_OBJS)
	$(call msg,CC,$@)
	$(Q)$(CC) $(CFLAGS) $(LDFLAGS) $< $(SESSION_TEST_OBJS) -o $@ $(LDLIBS) -lcunit

$(O)/test_plist: selftests/unit/test_plist.c $(O)/plist.o $(O)/addr.o
	$(call msg,CC,$@)
	$(Q)$(CC) $(CFLAGS) $(LDFLAGS) $< $(O)/plist.o $(O)/addr.o -o $@ -lcunit

$(O)/test_filter: selftests/unit/test_filter.c $(O)/filter.o $(O)/plist.o \
		$(O)/addr.o
	$(call msg,CC,$@)
	$(Q)$(CC) $(CFLAGS) $(LDFLAGS) $< $(O)/filter.o $(O)/plist.o \
		$(O)/addr.o -o $@ -lcunit

$(O)/test_api_json: selftests/unit/test_api_json.c $(O)/api_json.o $(BGP_OBJS) \
		$(O)/addr.o
	$(call msg,CC,$@)
	$(Q)$(CC) $(CFLAGS) $(LDFLAGS) $< $(O)/api_json.o $(BGP_OBJS) \
		$(O)/addr.o -o $@ -lcunit

$(O)/test_api: selftests/unit/test_api.c $(O)/api.o $(O)/addr.o
	$(call msg,CC,$@)
	$(Q)$(CC) $(CFLAGS) $(LDFLAGS) $< $(O)/api.o $(O)/addr.o -o $@ -lcunit

$(O)/test_rib: selftests/unit/test_rib.c $(O)/rib.o
	$(call msg,CC,$@)
	$(Q)$(CC) $(CFLAGS) $(LDFLAGS) $< $(O)/rib.o -o $@ -lcunit

# Starts real processes as user nobody: those tests need root.
$(O)/test_proc: selftests/unit/test_proc.c $(O)/proc.o $(O)/log.o
	$(call msg,CC,$@)
	$(Q)$(CC) $(CFLAGS) $(LDFLAGS) $< $(O)/proc.o $(O)/log.o -o $@ -lcunit

test-unit: $(O)/test_proc

$(O)/test_metrics: selftests/unit/test_metrics.c $(O)/metrics.o $(CONFIG_OBJS) \
		$(LIB_OBJS)
	$(call msg,CC,$@)
	$(Q)$(CC) $(CFLAGS) $(LDFLAGS) $< $(O)/metrics.o $(CONFIG_OBJS) \
		$(LIB_OBJS) -o $@ $(LDLIBS) -lcunit

test-unit: $(O)/test_metrics

$(O)/test_addr: selftests/unit/test_addr.c $(LIB_OBJS)
	$(call msg,CC,$@)
	$(Q)$(CC) $(CFLAGS) $(LDFLAGS) $< $(LIB_OBJS) -o $@ $(LDLIBS) -lcunit

test-unit: $(O)/test_addr $(O)/test_config $(O)/test_imsg \
		$(O)/test_bgp_wire $(O)/test_tcpsec $(O)/test_rib \
		$(O)/test_session $(O)/test_plist $(O)/test_api $(O)/test_api_json \
		$(O)/test_filter
	$(O)/test_addr
	$(O)/test_config
	$(O)/test_imsg
	$(O)/test_bgp_wire
	$(O)/test_tcpsec
	$(O)/test_rib
	$(O)/test_session
	$(O)/test_plist
	$(O)/test_api
	$(O)/test_api_json
	$(O)/test_filter
	$(O)/test_metrics
	$(O)/test_proc

test-bpf: $(O)/test_guard $(O)/test_loader
	$(O)/test_guard
	$(O)/test_loader

test-netns: all $(O)/blaster $(O)/flood_gen
	selftests/netns/run.sh

test: deps all test-unit test-docs test-bpf test-netns

# The man pages render without warnings and have their sections.
test-docs:
	$(Q)scripts/check-man.sh

# --- fuzzing (libFuzzer: clang, its own build folder) -----------------------
FUZZERS := bgp roundtrip config api imsg
FUZZ_SECONDS ?= 60
FUZZ_CFLAGS := -O1 -g -fno-omit-frame-pointer \
	-fsanitize=fuzzer-no-link,address,undefined -fno-sanitize-recover=all
FUZZ_LINK = $(call msg,FUZZ,$@); \
	$(CC) $(CFLAGS) -fsanitize=fuzzer,address,undefined $(filter %.c %.o,$^) \
	-o $@ $(LDLIBS)

$(O)/fuzz_bgp: selftests/fuzz/fuzz_bgp.c $(O)/api_json.o $(BGP_OBJS) $(O)/addr.o
	$(Q)$(FUZZ_LINK)
$(O)/fuzz_roundtrip: selftests/fuzz/fuzz_roundtrip.c $(BGP_OBJS) $(O)/addr.o
	$(Q)$(FUZZ_LINK)
$(O)/fuzz_config: selftests/fuzz/fuzz_config.c $(CONFIG_OBJS) $(LIB_OBJS)
	$(Q)$(FUZZ_LINK)
$(O)/fuzz_api: selftests/fuzz/fuzz_api.c $(O)/api.o $(O)/addr.o
	$(Q)$(FUZZ_LINK)
$(O)/fuzz_imsg: selftests/fuzz/fuzz_imsg.c $(O)/imsg.o
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
	$(Q)$(CC) $(CFLAGS) $< -o $@ $(LDLIBS)

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
	$(Q)$(CC) $(CFLAGS) $< -o $@ $(LDLIBS)

BENCH_BINS := $(O)/bench_guard $(O)/flood_gen

$(O)/blaster: selftests/tools/blaster.c $(BGP_OBJS) $(O)/addr.o
	$(call msg,CC,$@)
	$(Q)$(CC) $(CFLAGS) $(LDFLAGS) $< $(BGP_OBJS) $(O)/addr.o -o $@

$(O)/apigen: selftests/tools/apigen.c | $(O)
	$(call msg,CC,$@)
	$(Q)$(CC) $(CFLAGS) $(LDFLAGS) $< -o $@

bench: bench-guard bench-bgp bench-api

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
	clang-format -i bpf/*.c include/*.h user/*.c user/*.h selftests/*/*.c

clean:
	rm -rf $(O) build-asan build-fuzz

help:
	@echo 'targets: all (default) deps test test-unit test-docs test-bpf test-netns bench bench-guard bench-bgp bench-api'
	@echo '         check-asan demo install clean fmt    variables: V=1 O=DIR PREFIX DESTDIR'
