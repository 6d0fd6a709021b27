//! The invariants of ARCHITECTURE.md, checked: catalogs complete in both
//! languages, every message a template uses exists, migrations kept in step on
//! both backends, every source file explains itself, and dependencies point
//! toward the kernel.

#![allow(clippy::unwrap_used)]

use std::collections::{BTreeSet, HashMap};
use std::path::{Path, PathBuf};

use kernel::i18n::{I18n, Locale};

fn workspace() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../..")
        .canonicalize()
        .unwrap()
}

fn files_with_ext(dir: &Path, ext: &str, out: &mut Vec<PathBuf>) {
    for e in std::fs::read_dir(dir).unwrap().flatten() {
        let p = e.path();
        let name = p.file_name().unwrap().to_string_lossy().to_string();
        if p.is_dir() {
            if name != "target" && !name.starts_with('.') && name != "node_modules" {
                files_with_ext(&p, ext, out);
            }
        } else if name.ends_with(ext) {
            out.push(p);
        }
    }
}

#[test]
fn every_message_exists_in_spanish_and_english() {
    let platform = apertura::platform();
    let i18n = I18n::new(&platform.catalogs()).expect("catalogs parse");
    let es = i18n.keys(Locale::Es);
    let en = i18n.keys(Locale::En);
    let only_es: Vec<_> = es.difference(en).collect();
    let only_en: Vec<_> = en.difference(es).collect();
    assert!(only_es.is_empty(), "missing in English: {only_es:?}");
    assert!(only_en.is_empty(), "missing in Spanish: {only_en:?}");
}

#[test]
fn every_message_a_template_or_the_code_names_exists() {
    let platform = apertura::platform();
    let i18n = I18n::new(&platform.catalogs()).unwrap();
    let mut used = BTreeSet::new();
    for (name, source) in platform.templates() {
        for quote in ['"', '\''] {
            let open = format!("t({quote}");
            let mut rest = source;
            while let Some(i) = rest.find(&open) {
                // `t(` as a call of its own, not the end of `asset(`.
                let standalone = !rest[..i].ends_with(|c: char| c.is_alphanumeric() || c == '_');
                rest = &rest[i + open.len()..];
                let end = rest.find(quote).unwrap();
                let key = &rest[..end];
                // Keys built at run time (`"body-kind-" ~ kind`) are checked below.
                if standalone && !key.is_empty() && !key.ends_with('-') {
                    used.insert((name, key.to_string()));
                }
            }
        }
    }
    for nav in platform.nav() {
        used.insert(("nav", nav.label_key.to_string()));
    }
    for role in kernel::authz::Role::ALL {
        used.insert(("roles", role.label_key()));
    }
    for kind in directory::domain::BODY_KINDS {
        used.insert(("body kinds", format!("body-kind-{kind}")));
    }
    for status in 400..=599u16 {
        if let Ok(s) = axum::http::StatusCode::from_u16(status) {
            let key = kernel::error::key_for_status(s);
            used.insert(("errors", key.to_string()));
            used.insert(("errors", format!("{key}-title")));
        }
    }
    assert!(used.len() > 50, "the scan found the keys");
    let missing: Vec<_> = used
        .iter()
        .filter(|(_, k)| !i18n.has(Locale::Es, k))
        .collect();
    assert!(
        missing.is_empty(),
        "messages used but not in the catalog: {missing:?}"
    );
}

#[test]
fn migrations_are_kept_in_step_on_both_backends() {
    for set in apertura::platform().migrations() {
        let sqlite: Vec<_> = set
            .sqlite
            .iter()
            .map(|m| (m.version, m.description.to_string()))
            .collect();
        let postgres: Vec<_> = set
            .postgres
            .iter()
            .map(|m| (m.version, m.description.to_string()))
            .collect();
        assert!(!sqlite.is_empty());
        assert_eq!(
            sqlite, postgres,
            "SQLite and PostgreSQL migrations must match one to one"
        );
    }
    // No two capabilities share a version.
    kernel::db::combined_migrator(
        kernel::db::Backend::Sqlite,
        &apertura::platform().migrations(),
    )
    .unwrap();
    kernel::db::combined_migrator(
        kernel::db::Backend::Postgres,
        &apertura::platform().migrations(),
    )
    .unwrap();
}

#[test]
fn every_rust_file_opens_with_a_module_doc() {
    let mut files = vec![];
    files_with_ext(&workspace().join("crates"), ".rs", &mut files);
    assert!(files.len() > 20);
    let undocumented: Vec<_> = files
        .iter()
        .filter(|p| {
            let text = std::fs::read_to_string(p).unwrap();
            !text.trim_start().starts_with("//!")
        })
        .collect();
    assert!(
        undocumented.is_empty(),
        "files without a //! line saying why they exist: {undocumented:?}"
    );
}

/// Workspace dependencies of each crate, from its Cargo.toml `[dependencies]`.
fn workspace_deps() -> HashMap<String, Vec<String>> {
    let root = workspace().join("crates");
    let crates: Vec<String> = std::fs::read_dir(&root)
        .unwrap()
        .flatten()
        .filter(|e| e.path().join("Cargo.toml").is_file())
        .map(|e| e.file_name().to_string_lossy().to_string())
        .collect();
    let mut out = HashMap::new();
    for c in &crates {
        let toml = std::fs::read_to_string(root.join(c).join("Cargo.toml")).unwrap();
        let deps_section = toml
            .split("\n[")
            .find(|s| s.starts_with("dependencies]"))
            .unwrap_or_default();
        let deps = crates
            .iter()
            .filter(|other| *other != c)
            .filter(|other| {
                deps_section.lines().any(|l| {
                    l.starts_with(&format!("{other}.")) || l.starts_with(&format!("{other} "))
                })
            })
            .cloned()
            .collect();
        out.insert(c.clone(), deps);
    }
    out
}

/// Workspace crates that are libraries, not capabilities.
const PURE_LIBRARIES: &[&str] = &["tabular", "privacy"];

#[test]
fn dependencies_point_toward_the_kernel() {
    let deps = workspace_deps();
    assert!(
        deps["kernel"].is_empty(),
        "the kernel depends on no capability: {:?}",
        deps["kernel"]
    );
    // Pure libraries (no database, no web: the tabular engine) depend on no
    // workspace crate at all, and are not capabilities.
    for lib in PURE_LIBRARIES {
        assert!(
            deps[*lib].is_empty(),
            "{lib} must stay pure: {:?}",
            deps[*lib]
        );
    }
    // Every capability depends on the kernel; only the binary depends on all.
    for (name, d) in &deps {
        if name != "kernel" && !PURE_LIBRARIES.contains(&name.as_str()) {
            assert!(
                d.contains(&"kernel".to_string()),
                "{name} must build on the kernel"
            );
        }
        if name != "apertura" {
            assert!(
                !d.contains(&"apertura".to_string()),
                "{name} must not depend on the binary"
            );
        }
    }
    // The order in which the binary lists capabilities is a dependency order.
    let order: Vec<&str> = apertura::platform()
        .capabilities
        .iter()
        .map(|c| c.name)
        .collect();
    for (i, name) in order.iter().enumerate() {
        if let Some(d) = deps.get(*name) {
            for dep in d.iter().filter(|d| !PURE_LIBRARIES.contains(&d.as_str())) {
                let pos = order.iter().position(|n| n == dep);
                assert!(
                    pos.is_some_and(|p| p < i),
                    "{name} depends on {dep}, which must be listed before it"
                );
            }
        }
    }
}
