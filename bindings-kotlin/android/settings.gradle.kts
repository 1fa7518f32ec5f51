// The Android library module of alipay-core, built by build.sh (which first puts the Rust libraries in
// src/main/jniLibs and the generated Kotlin in src/main/kotlin).
pluginManagement {
    repositories {
        google()
        mavenCentral()
        gradlePluginPortal()
    }
}

dependencyResolutionManagement {
    repositories {
        google()
        mavenCentral()
    }
}

rootProject.name = "alipay-core-android"
