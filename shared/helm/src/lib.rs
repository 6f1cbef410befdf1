//! A Helm chart renderer: a Go `text/template` engine with sprig and Helm functions. Pure.

pub mod template;
