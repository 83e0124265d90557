//! Writing files all-or-nothing: every command that writes (codegen, docs,
//! generate, the JUnit and coverage reports) goes through here, so nothing
//! is ever half-written. A leaf: it knows no command.

use std::path::{Path, PathBuf};

/// Writes one file through a temporary sibling, so it is never half-written.
pub fn write_atomically(path: &Path, bytes: &[u8]) -> Result<(), String> {
    write_all(&[(&path.to_path_buf(), bytes)])
}

/// Writes every file to a temporary sibling first; only when all are written
/// are they renamed into place.
pub fn write_all(files: &[(&PathBuf, &[u8])]) -> Result<(), String> {
    let mut staged = Vec::new();
    for (path, text) in files {
        let dir = path
            .parent()
            .ok_or_else(|| format!("{} has no parent", path.display()))?;
        std::fs::create_dir_all(dir)
            .map_err(|e| format!("cannot create {}: {e}", dir.display()))?;
        let mut tmp = tempfile::NamedTempFile::new_in(dir)
            .map_err(|e| format!("cannot write in {}: {e}", dir.display()))?;
        std::io::Write::write_all(&mut tmp, text)
            .map_err(|e| format!("cannot write {}: {e}", path.display()))?;
        staged.push((tmp, *path));
    }
    for (tmp, path) in staged {
        tmp.persist(path)
            .map_err(|e| format!("cannot replace {}: {e}", path.display()))?;
    }
    Ok(())
}
