# SPDX-License-Identifier: GPL-2.0
# Entry points: `make demo`, `make check`; `make modules` builds the modules
# against the cached test kernel (building that kernel first if needed).
SHELL := /bin/bash
KDIR ?= $(shell scripts/build-kernel debug | tail -n 1)/build
KMAKE = $(MAKE) -C $(KDIR) M=$(CURDIR) LLVM=-19

.PHONY: modules clippy fmt host-test check demo bench-ctl bench clean kernel

kernel:
	scripts/build-kernel debug

modules:
	$(KMAKE) modules

clippy:
	$(KMAKE) CLIPPY=1 modules

fmt:
	rustfmt --check --edition 2021 --config-path $(KDIR)/../src/.rustfmt.toml \
		$$(git ls-files '*.rs')

host-test:
	cargo test --quiet

check:
	scripts/check

demo: modules
	scripts/demo

# Restore and list times of ours against the C IPVS (not part of check).
bench-ctl: modules
	scripts/bench-ctl

# Packet and connection rates of ours against the C IPVS, on a non-debug
# kernel of its own, with the modules built for it apart (not part of check).
bench:
	scripts/bench

clean:
	$(KMAKE) clean
	cargo clean
