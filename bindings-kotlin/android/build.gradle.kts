// alipay-core for Android: the uniffi-generated Kotlin over libalipay_core_ffi.so (jniLibs for
// arm64-v8a, armeabi-v7a and x86_64, linked for 16 KB pages), loaded through JNA.
plugins {
    id("com.android.library") version "8.7.3"
    id("org.jetbrains.kotlin.android") version "2.1.0"
}

android {
    namespace = "alipay.core"
    compileSdk = 35

    defaultConfig {
        minSdk = 24
        // Shipped inside the AAR: R8 in the app keeps JNA and the generated bindings.
        consumerProguardFiles("consumer-rules.pro")
    }

    sourceSets["main"].kotlin.srcDirs("src/main/kotlin")
    sourceSets["main"].jniLibs.srcDirs("src/main/jniLibs")

    compileOptions {
        sourceCompatibility = JavaVersion.VERSION_17
        targetCompatibility = JavaVersion.VERSION_17
    }
}

kotlin {
    jvmToolchain(17)
}

dependencies {
    // JNA as an AAR: it carries libjnidispatch.so for each Android ABI.
    implementation("net.java.dev.jna:jna:5.19.1@aar")
    implementation("org.jetbrains.kotlinx:kotlinx-coroutines-android:1.11.0")
}
