#!/usr/bin/env bash
# Builds the Android library module (an AAR) on a machine with the Android NDK: the Rust library for
# arm64-v8a, armeabi-v7a and x86_64 into src/main/jniLibs, linked for 16 KB pages as Google Play
# requires, and the Kotlin sources with Android's cleaner (uniffi-android.toml) into src/main/kotlin;
# then Gradle assembles the AAR.
#
# Needs: the Android NDK r26+ (ANDROID_NDK_HOME), `cargo install cargo-ndk`, the three rustup targets
# below, and Gradle with the Android SDK. NOT RUN where this was written: that machine has no NDK and
# cannot add rustup targets, so this script is untested.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../.." && pwd)
cd "$repo"

rustup target add aarch64-linux-android armv7-linux-androideabi x86_64-linux-android
# 16 KB pages: NDK r28+ links that way by default; the flag makes older NDKs do the same.
# Packed relocations (Android's APS2 format, read by Android 6+, below minSdk 24) shrink the library.
# No HTTP/2 and no PostgreSQL journal on a terminal (`--no-default-features`): see bindings-kotlin/Cargo.toml.
RUSTFLAGS="${RUSTFLAGS:-} -C link-arg=-Wl,-z,max-page-size=16384 -C link-arg=-Wl,--pack-dyn-relocs=android" \
  cargo ndk -t arm64-v8a -t armeabi-v7a -t x86_64 -o "$here/src/main/jniLibs" \
  build --profile release-small -p alipay-core-kotlin --no-default-features

cargo build -q -p alipay-uniffi-bindgen
rm -rf "$here/src/main/kotlin"
target/debug/uniffi-bindgen generate --no-format \
  --library target/aarch64-linux-android/release-small/libalipay_core_ffi.so \
  --config "$here/uniffi-android.toml" --language kotlin --out-dir "$here/src/main/kotlin"

cd "$here" && gradle assembleRelease
