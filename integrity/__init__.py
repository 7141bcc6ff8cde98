"""Integrity of the archive: find damage to stored files before anyone needs them (`records verify`), re-derive
what can be re-derived, and account for documents a crash or a lost queue left behind (`records recover`)."""
