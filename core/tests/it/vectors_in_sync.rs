//! `tests/vectors/` is a byte-identical copy of `../shared/vectors/`. Outside CI the check is skipped when
//! that folder is not beside the checkout; in CI (`CI` set) its absence fails.

use crate::support::repo_root;

#[test]
fn copies_match_the_shared_vectors() {
    let shared = repo_root().join("../shared/vectors");
    if !shared.is_dir() {
        // CI always checks out `shared/` beside the repository: there, a missing folder is a failure.
        assert!(
            std::env::var_os("CI").is_none(),
            "CI runs with ../shared beside the checkout, but {} is missing",
            shared.display()
        );
        eprintln!("../shared/vectors is not beside this checkout; nothing to compare");
        return;
    }
    let mut compared = 0;
    for entry in std::fs::read_dir(&shared).expect("read shared vectors") {
        let path = entry.expect("dir entry").path();
        let name = path.file_name().expect("file name");
        let ours = repo_root().join("tests/vectors").join(name);
        let theirs_bytes = std::fs::read(&path).expect("read shared vector");
        let ours_bytes =
            std::fs::read(&ours).unwrap_or_else(|_| panic!("{} is missing from tests/vectors", ours.display()));
        assert!(theirs_bytes == ours_bytes, "{} differs from the shared copy", ours.display());
        compared += 1;
    }
    assert!(compared > 0, "no shared vectors found");
}
