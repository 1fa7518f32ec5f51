//! `uniffi-bindgen`, built from the workspace's own uniffi so that the generated sources match the
//! scaffolding in the library (`make generate` runs it in library mode).

fn main() {
    uniffi::uniffi_bindgen_main()
}
