"""Every change a person makes to a stored document: one function per action, called alike by the API, the
command line and the web UI, each recorded as a revision in the manifest and as an audit entry."""

from changes.core import ChangeForbidden, ChangeRefused, Editor, change_document, revision

__all__ = ["ChangeForbidden", "ChangeRefused", "Editor", "change_document", "revision"]
