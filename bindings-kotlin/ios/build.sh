#!/usr/bin/env bash
# Builds AlipayCoreFFI.xcframework for iOS on a Mac with Xcode: the static library (staticlib) for
# devices (aarch64-apple-ios) and for the simulator (aarch64-apple-ios-sim and x86_64-apple-ios, made
# one with lipo), with the C headers and module map of both uniffi components. ../Package.swift wraps it
# with the generated Swift (bindings-kotlin/generated/swift), which compiles into one module, AlipayCore.
#
# Needs: Xcode (xcodebuild, lipo) and the three rustup targets below. NOT RUN where this was written:
# that machine has no Swift toolchain and cannot add rustup targets, so this script is untested.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../.." && pwd)
generated="$repo/bindings-kotlin/generated/swift"
cd "$repo"

rustup target add aarch64-apple-ios aarch64-apple-ios-sim x86_64-apple-ios
for target in aarch64-apple-ios aarch64-apple-ios-sim x86_64-apple-ios; do
  # No HTTP/2 and no PostgreSQL journal on a device (`--no-default-features`): see bindings-kotlin/Cargo.toml.
  cargo build --profile release-small -p alipay-core-kotlin --no-default-features --target "$target"
done

work="$here/build"
rm -rf "$work" "$here/AlipayCoreFFI.xcframework"
mkdir -p "$work/headers" "$work/simulator"
cp "$generated/AlipayCoreFFI.h" "$generated/AlipayCoreModelsFFI.h" "$work/headers/"
# One module map for both components' C modules, as Xcode wants a single one per framework slice.
cat "$generated/AlipayCoreFFI.modulemap" "$generated/AlipayCoreModelsFFI.modulemap" > "$work/headers/module.modulemap"
lipo -create \
  target/aarch64-apple-ios-sim/release-small/libalipay_core_ffi.a \
  target/x86_64-apple-ios/release-small/libalipay_core_ffi.a \
  -output "$work/simulator/libalipay_core_ffi.a"
xcodebuild -create-xcframework \
  -library target/aarch64-apple-ios/release-small/libalipay_core_ffi.a -headers "$work/headers" \
  -library "$work/simulator/libalipay_core_ffi.a" -headers "$work/headers" \
  -output "$here/AlipayCoreFFI.xcframework"
