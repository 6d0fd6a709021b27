//! The open-data catalog (work plan line 3; TP 2 c): datasets published by
//! public bodies, their resources, and every version of every file, kept
//! forever at its own permanent address.

pub mod domain;

use kernel::Capability;

pub fn capability() -> Capability {
    Capability::new("catalog")
}
