//! Open government (work plan, particular objective 5; line 2 a–b): the
//! state's and the municipalities' Local Technical Secretariats co-create
//! action plans and follow their commitments up in public.
//!
//! This first step holds the rules, pure and tested: the stages of
//! co-creation, the Open Government Partnership's completion levels and the
//! Independent Reporting Mechanism's scales ([`domain`]), how progress rolls
//! up from milestones to commitments to a plan ([`progress`]), and the
//! progress CSV that round-trips without loss ([`csv_io`]). Storage, pages
//! and jobs come next.

pub mod csv_io;
pub mod domain;
pub mod progress;
