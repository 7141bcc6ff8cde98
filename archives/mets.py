"""The METS document of a transfer package (METS 1.12.1 with XLink): the circular's metadata for the fonds,
dossier and each document in `dmdSec`s, PREMIS 3 events (ingest, OCR, edits, fixity checks, PDF/A migration) in
`digiprovMD`s, every file of the bag with its SHA-256 in the `fileSec`, and the dossier -> document structure."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from typing import Any

from lxml import etree

METS = "http://www.loc.gov/METS/"
XLINK = "http://www.w3.org/1999/xlink"
PREMIS = "http://www.loc.gov/premis/v3"
CIRCULAR = "urn:records:tt-bnv-05-2025"  # our XML rendering of Circular 05/2025/TT-BNV's metadata fields
XSI = "http://www.w3.org/2001/XMLSchema-instance"
NSMAP = {"mets": METS, "xlink": XLINK, "premis": PREMIS, "tt": CIRCULAR, "xsi": XSI}
SCHEMA_LOCATION = f"{METS} http://www.loc.gov/standards/mets/version1121/mets.xsd"


@dataclass
class PackagedFile:
    """One file of the bag: its path under the bag's root, what it is for, type, checksum and size."""

    path: str
    use: str  # original, archival-pdf, text, page-text, page-image, manifest, ...
    mimetype: str
    sha256: str
    size: int


@dataclass
class Event:
    """A PREMIS event."""

    type: str
    at: str
    detail: str
    outcome: str = "success"
    agent: str | None = None


@dataclass
class PackagedDocument:
    """A document's metadata fields, files and events."""

    id: str
    fields: dict[str, Any]
    files: list[PackagedFile] = field(default_factory=list)
    events: list[Event] = field(default_factory=list)


def _q(ns: str, name: str) -> str:
    return f"{{{ns}}}{name}"


def _fields_xml(parent, tag: str, fields: dict[str, Any]):
    el = etree.SubElement(parent, _q(CIRCULAR, tag))
    for name, value in fields.items():
        if value in (None, "", []):
            continue
        values = value if isinstance(value, list) else [value]
        for v in values:
            etree.SubElement(el, _q(CIRCULAR, name)).text = str(v)
    return el


def _dmd(root, dmd_id: str, tag: str, fields: dict[str, Any]) -> None:
    sec = etree.SubElement(root, _q(METS, "dmdSec"), ID=dmd_id)
    wrap = etree.SubElement(sec, _q(METS, "mdWrap"), MDTYPE="OTHER", OTHERMDTYPE="TT-BNV-05-2025",
                            LABEL="Circular 05/2025/TT-BNV metadata")
    _fields_xml(etree.SubElement(wrap, _q(METS, "xmlData")), tag, fields)


def _premis_event(parent, event: Event, object_id: str) -> None:
    ev = etree.SubElement(parent, _q(PREMIS, "event"))
    ident = etree.SubElement(ev, _q(PREMIS, "eventIdentifier"))
    etree.SubElement(ident, _q(PREMIS, "eventIdentifierType")).text = "UUID"
    etree.SubElement(ident, _q(PREMIS, "eventIdentifierValue")).text = str(
        uuid.uuid5(uuid.NAMESPACE_URL, f"{object_id}/{event.type}/{event.at}/{event.detail}"))
    etree.SubElement(ev, _q(PREMIS, "eventType")).text = event.type
    etree.SubElement(ev, _q(PREMIS, "eventDateTime")).text = event.at
    info = etree.SubElement(ev, _q(PREMIS, "eventDetailInformation"))
    etree.SubElement(info, _q(PREMIS, "eventDetail")).text = event.detail
    out = etree.SubElement(ev, _q(PREMIS, "eventOutcomeInformation"))
    etree.SubElement(out, _q(PREMIS, "eventOutcome")).text = event.outcome
    if event.agent:
        agent = etree.SubElement(ev, _q(PREMIS, "linkingAgentIdentifier"))
        etree.SubElement(agent, _q(PREMIS, "linkingAgentIdentifierType")).text = "local user"
        etree.SubElement(agent, _q(PREMIS, "linkingAgentIdentifierValue")).text = event.agent
    obj = etree.SubElement(ev, _q(PREMIS, "linkingObjectIdentifier"))
    etree.SubElement(obj, _q(PREMIS, "linkingObjectIdentifierType")).text = "Records document id"
    etree.SubElement(obj, _q(PREMIS, "linkingObjectIdentifierValue")).text = object_id


def build_mets(*, dossier: dict[str, Any], fonds: dict[str, Any] | None, documents: list[PackagedDocument],
               agency: str, created: str, package_files: list[PackagedFile]) -> bytes:
    """The METS document (UTF-8 XML bytes)."""
    root = etree.Element(_q(METS, "mets"), nsmap=NSMAP, OBJID=dossier["id"], LABEL=dossier["title"][:250],
                         TYPE="dossier", PROFILE="Records transfer package 1")
    root.set(_q(XSI, "schemaLocation"), SCHEMA_LOCATION)
    hdr = etree.SubElement(root, _q(METS, "metsHdr"), CREATEDATE=created, RECORDSTATUS="transfer")
    agent = etree.SubElement(hdr, _q(METS, "agent"), ROLE="CREATOR", TYPE="ORGANIZATION")
    etree.SubElement(agent, _q(METS, "name")).text = agency
    software = etree.SubElement(hdr, _q(METS, "agent"), ROLE="CREATOR", TYPE="OTHER", OTHERTYPE="SOFTWARE")
    etree.SubElement(software, _q(METS, "name")).text = "Records"
    if fonds:
        _dmd(root, "dmd-fonds", "fonds", fonds)
    _dmd(root, "dmd-dossier", "dossier", dossier)
    for i, doc in enumerate(documents, 1):
        _dmd(root, f"dmd-doc-{i}", "document", doc.fields)
    for i, doc in enumerate(documents, 1):
        amd = etree.SubElement(root, _q(METS, "amdSec"), ID=f"amd-doc-{i}")
        for j, event in enumerate(doc.events, 1):
            prov = etree.SubElement(amd, _q(METS, "digiprovMD"), ID=f"prov-{i}-{j}")
            wrap = etree.SubElement(prov, _q(METS, "mdWrap"), MDTYPE="PREMIS:EVENT")
            _premis_event(etree.SubElement(wrap, _q(METS, "xmlData")), event, doc.id)
    file_sec = etree.SubElement(root, _q(METS, "fileSec"))
    ids: dict[str, str] = {}
    groups: dict[str, Any] = {}

    def add_file(f: PackagedFile, admid: str | None) -> str:
        grp = groups.get(f.use)
        if grp is None:
            grp = groups[f.use] = etree.SubElement(file_sec, _q(METS, "fileGrp"), USE=f.use)
        file_id = f"file-{len(ids) + 1}"
        attrs = {"ID": file_id, "MIMETYPE": f.mimetype, "SIZE": str(f.size), "CHECKSUM": f.sha256,
                 "CHECKSUMTYPE": "SHA-256"}
        if admid:
            attrs["ADMID"] = admid
        el = etree.SubElement(grp, _q(METS, "file"), **attrs)
        loc = etree.SubElement(el, _q(METS, "FLocat"), LOCTYPE="URL")
        loc.set(_q(XLINK, "href"), f.path)
        loc.set(_q(XLINK, "type"), "simple")
        ids[f.path] = file_id
        return file_id

    for f in package_files:
        add_file(f, None)
    doc_files = [[add_file(f, f"amd-doc-{i}") for f in doc.files] for i, doc in enumerate(documents, 1)]
    smap = etree.SubElement(root, _q(METS, "structMap"), TYPE="logical", LABEL="fonds / dossier / document")
    top = etree.SubElement(smap, _q(METS, "div"), TYPE="dossier", LABEL=dossier["title"][:250],
                           DMDID="dmd-dossier" + (" dmd-fonds" if fonds else ""))
    for f in package_files:
        etree.SubElement(top, _q(METS, "fptr"), FILEID=ids[f.path])
    for i, (doc, files) in enumerate(zip(documents, doc_files, strict=True), 1):
        div = etree.SubElement(top, _q(METS, "div"), TYPE="document", ORDER=str(i), DMDID=f"dmd-doc-{i}",
                               ADMID=f"amd-doc-{i}", LABEL=(doc.fields.get("summary") or doc.id)[:250])
        for file_id in files:
            etree.SubElement(div, _q(METS, "fptr"), FILEID=file_id)
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True)


def read_fields(mets: bytes) -> dict[str, Any]:
    """The circular's fields as the METS carries them: {"fonds": {...}, "dossier": {...}, "documents": [...]}
    (each value a string, or a list for repeated elements)."""
    root = etree.fromstring(mets, parser=etree.XMLParser(resolve_entities=False, no_network=True))
    out: dict[str, Any] = {"fonds": None, "dossier": None, "documents": []}
    for el in root.iterfind(f".//{{{METS}}}xmlData/*"):
        if el.tag.startswith(f"{{{CIRCULAR}}}"):
            values: dict[str, Any] = {}
            for child in el:
                name = etree.QName(child).localname
                values[name] = [*values[name], child.text] if name in values and isinstance(values[name], list) \
                    else [values[name], child.text] if name in values else child.text
            kind = etree.QName(el).localname
            if kind == "document":
                out["documents"].append(values)
            else:
                out[kind] = values
    return out
