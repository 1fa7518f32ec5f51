//! Links the addon as Node-API expects (napi-rs).

fn main() {
    napi_build::setup();
}
