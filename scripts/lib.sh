# Shared settings for the host-side scripts. Sourced, not run.
CACHE=${IPVS_CACHE:-/var/cache/ipvs-rs}
export LLVM=-19
export LIBCLANG_PATH=/usr/lib/llvm-19/lib
export PATH="$HOME/.cargo/bin:$PATH"
SCRIPTS=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)

# The cache key of a kernel flavour: every input that changes the build.
kernel_key() {
	local flavour=$1
	{
		basename "$CACHE"/debs/linux-source-7.3_*.deb
		basename "$CACHE"/debs/rust-src_*.deb
		rustc --version
		bindgen --version
		clang-19 --version | head -n1
		cat "$SCRIPTS"/kconfig/base.config "$SCRIPTS"/kconfig/ipvs.config
		[ "$flavour" = debug ] && cat "$SCRIPTS"/kconfig/debug.config
		cat "$SCRIPTS"/build-kernel
	} | sha256sum | cut -c1-16
}

kernel_dir() {
	echo "$CACHE/kernel-$1-$(kernel_key "$1")"
}
