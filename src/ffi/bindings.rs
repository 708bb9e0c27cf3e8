// SPDX-License-Identifier: GPL-2.0

//! This module's own bindgen output (see `src/Kbuild` and
//! `bindings_helper.h`).
//!
//! Quarantined: only the wrappers in `ffi` use it. Everything above `ffi`
//! works with the safe types those wrappers export.

#![allow(
    clippy::all,
    clippy::as_underscore,
    clippy::cast_lossless,
    clippy::ptr_as_ptr,
    clippy::ref_as_ptr,
    clippy::undocumented_unsafe_blocks,
    dead_code,
    missing_docs,
    non_camel_case_types,
    non_upper_case_globals,
    non_snake_case,
    improper_ctypes,
    unreachable_pub,
    unsafe_op_in_unsafe_fn,
    unnecessary_transmutes
)]

use kernel::ffi;
use pin_init::{MaybeZeroable, Zeroable};

type __kernel_size_t = usize;
type __kernel_ssize_t = isize;
type __kernel_ptrdiff_t = isize;

include!("bindings_generated.rs");

// SAFETY: `__BindgenBitfieldUnit<Storage>` is a newtype around `Storage`, so
// all zeroes is valid for it whenever it is for `Storage`.
unsafe impl<Storage> Zeroable for __BindgenBitfieldUnit<Storage> where Storage: Zeroable {}
