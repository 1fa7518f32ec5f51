// swift-tools-version:5.9
// alipay-core for iOS: the uniffi-generated Swift (both components, compiled into one module) over the
// static library in ios/AlipayCoreFFI.xcframework, which ios/build.sh makes. Not built where this was written:
// that machine has no Swift toolchain.
import PackageDescription

let package = Package(
    name: "AlipayCore",
    platforms: [.iOS(.v15), .macOS(.v12)],
    products: [
        .library(name: "AlipayCore", targets: ["AlipayCore"]),
    ],
    targets: [
        .binaryTarget(name: "AlipayCoreFFI", path: "ios/AlipayCoreFFI.xcframework"),
        .target(
            name: "AlipayCore",
            dependencies: ["AlipayCoreFFI"],
            path: "generated/swift",
            exclude: ["AlipayCoreFFI.h", "AlipayCoreFFI.modulemap", "AlipayCoreModelsFFI.h", "AlipayCoreModelsFFI.modulemap"],
            sources: ["AlipayCore.swift", "AlipayCoreModels.swift"]
        ),
    ]
)
