"""Archive export: a closed event as an E-ARK Submission Information Package (SIP, CSIP 2.1 / E-ARK SIP 2.1).

    <package id>/
      METS.xml                                   the package's METS: descriptive and preservation metadata,
                                                 the representation, SHA-256 of every file it points at
      metadata/descriptive/dc.xml                Dublin Core: identifier, title, dates, creator (the legal entity)
      metadata/preservation/premis.xml           PREMIS: the package, its creation event, the software agent
      representations/rep1/METS.xml              the representation's METS: every data file with its SHA-256
      representations/rep1/data/arende.json      the event, its area cases, decisions, tasks, actions (all data)
      representations/rep1/data/arende.html      the same as a readable page (self-contained, no scripts)
      representations/rep1/data/logg.json        the change log and read log of the event, with the chain hashes
      representations/rep1/data/bilagor/<id>-<name>  the attachments, as uploaded

Only a closed event is exported; the package is built in memory and returned as {path: bytes}, the CLI writes it.
"""

from __future__ import annotations

import hashlib
import html
import json
import re
import uuid
from datetime import datetime, UTC
from typing import Any
from xml.etree import ElementTree as ET

from engine.context import Context
from engine.errors import Conflict, NotFound, Unavailable
from engine.records.settings import RecordsSettings
from engine.records.storage import BlobMissing
from engine.rules.legal_entity import legal_entity
from engine.store import actions as action_store
from engine.store import audit as audit_store
from engine.store import cases as case_store
from engine.store import events as event_store
from engine.store import records as records_store
from engine.store import tasks as task_store
from engine.views import action_view, decision_view, task_view
from engine.rules.access import CaseStatus

__all__ = ["export_sip"]

METS, XLINK = "http://www.loc.gov/METS/", "http://www.w3.org/1999/xlink"
CSIP, SIP = "https://DILCIS.eu/XML/METS/CSIPExtensionMETS", "https://DILCIS.eu/XML/METS/SIPExtensionMETS"
XSI, DC, PREMIS = "http://www.w3.org/2001/XMLSchema-instance", "http://purl.org/dc/elements/1.1/", "http://www.loc.gov/premis/v3"
OAI_DC = "http://www.openarchives.org/OAI/2.0/oai_dc/"
SCHEMA_LOCATION = "http://www.loc.gov/METS/ http://www.loc.gov/standards/mets/mets.xsd"
SIP_PROFILE = "https://earksip.dilcis.eu/profile/E-ARK-SIP.xml"
for prefix, uri in (("mets", METS), ("xlink", XLINK), ("csip", CSIP), ("sip", SIP), ("xsi", XSI), ("dc", DC),
                    ("premis", PREMIS), ("oai_dc", OAI_DC)):
    ET.register_namespace(prefix, uri)


def _m(tag: str) -> str:
    return f"{{{METS}}}{tag}"


def _iso(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _xml(root: ET.Element) -> bytes:
    body: bytes = ET.tostring(root, encoding="utf-8")
    return b'<?xml version="1.0" encoding="UTF-8"?>\n' + body


def _json(value: Any) -> bytes:
    return json.dumps(value, ensure_ascii=False, indent=2, default=str).encode("utf-8")


def _safe_name(name: str) -> str:
    return re.sub(r"[^A-Za-z0-9._-]+", "_", name).strip("._")[:100] or "fil"


def _mets_root(objid: str, label: str, now: str, representation: bool) -> ET.Element:
    root = ET.Element(_m("mets"), {
        "OBJID": objid, "LABEL": label, "TYPE": "Other", f"{{{CSIP}}}OTHERTYPE": "Avvikelseärende",
        "PROFILE": SIP_PROFILE, f"{{{XSI}}}schemaLocation": SCHEMA_LOCATION,
    })
    if not representation:
        root.set(f"{{{CSIP}}}CONTENTINFORMATIONTYPE", "MIXED")
    header = ET.SubElement(root, _m("metsHdr"), {"CREATEDATE": now, "LASTMODDATE": now, "RECORDSTATUS": "NEW",
                                                 f"{{{CSIP}}}OAISPACKAGETYPE": "SIP"})
    agent = ET.SubElement(header, _m("agent"), {"ROLE": "CREATOR", "TYPE": "OTHER", "OTHERTYPE": "SOFTWARE"})
    ET.SubElement(agent, _m("name")).text = "avvik"
    ET.SubElement(agent, _m("note"), {f"{{{CSIP}}}NOTETYPE": "SOFTWARE VERSION"}).text = "0.1.0"
    return root


def _file(parent: ET.Element, file_id: str, href: str, data: bytes, mimetype: str, now: str) -> None:
    node = ET.SubElement(parent, _m("file"), {
        "ID": file_id, "MIMETYPE": mimetype, "SIZE": str(len(data)), "CREATED": now,
        "CHECKSUM": hashlib.sha256(data).hexdigest().upper(), "CHECKSUMTYPE": "SHA-256",
    })
    ET.SubElement(node, _m("FLocat"), {"LOCTYPE": "URL", f"{{{XLINK}}}type": "simple", f"{{{XLINK}}}href": href})


def _md_ref(parent: ET.Element, href: str, mdtype: str, data: bytes, now: str) -> None:
    ET.SubElement(parent, _m("mdRef"), {
        "LOCTYPE": "URL", f"{{{XLINK}}}type": "simple", f"{{{XLINK}}}href": href, "MDTYPE": mdtype,
        "MIMETYPE": "text/xml", "SIZE": str(len(data)), "CREATED": now,
        "CHECKSUM": hashlib.sha256(data).hexdigest().upper(), "CHECKSUMTYPE": "SHA-256",
    })


def _representation_mets(objid: str, files: dict[str, tuple[bytes, str]], now: str) -> bytes:
    root = _mets_root(f"{objid}-rep1", "rep1", now, representation=True)
    file_sec = ET.SubElement(root, _m("fileSec"), {"ID": "filesec-rep1"})
    group = ET.SubElement(file_sec, _m("fileGrp"), {"ID": "grp-data", "USE": "Data"})
    for index, (path, (data, mimetype)) in enumerate(sorted(files.items())):
        _file(group, f"file-{index}", path, data, mimetype, now)
    struct = ET.SubElement(root, _m("structMap"), {"ID": "structmap-rep1", "TYPE": "PHYSICAL", "LABEL": "CSIP"})
    top = ET.SubElement(struct, _m("div"), {"ID": "div-rep1", "LABEL": "rep1"})
    data_div = ET.SubElement(top, _m("div"), {"ID": "div-rep1-data", "LABEL": "Data"})
    ET.SubElement(data_div, _m("fptr"), {"FILEID": "grp-data"})
    return _xml(root)


def _dublin_core(number: str, title: str, created: str, closed: str, entity: str) -> bytes:
    root = ET.Element(f"{{{OAI_DC}}}dc")
    for tag, text in (("identifier", number), ("title", title), ("date", created), ("date", closed),
                      ("creator", entity), ("type", "Avvikelseärende"), ("language", "sv")):
        ET.SubElement(root, f"{{{DC}}}{tag}").text = text
    return _xml(root)


def _premis(objid: str, now: str, files: dict[str, bytes]) -> bytes:
    p = f"{{{PREMIS}}}"
    root = ET.Element(f"{p}premis", {"version": "3.0"})
    for path, data in sorted(files.items()):
        obj = ET.SubElement(root, f"{p}object", {f"{{{XSI}}}type": "premis:file"})
        ident = ET.SubElement(obj, f"{p}objectIdentifier")
        ET.SubElement(ident, f"{p}objectIdentifierType").text = "local"
        ET.SubElement(ident, f"{p}objectIdentifierValue").text = path
        chars = ET.SubElement(obj, f"{p}objectCharacteristics")
        fixity = ET.SubElement(chars, f"{p}fixity")
        ET.SubElement(fixity, f"{p}messageDigestAlgorithm").text = "SHA-256"
        ET.SubElement(fixity, f"{p}messageDigest").text = hashlib.sha256(data).hexdigest()
        ET.SubElement(chars, f"{p}size").text = str(len(data))
    event = ET.SubElement(root, f"{p}event")
    ident = ET.SubElement(event, f"{p}eventIdentifier")
    ET.SubElement(ident, f"{p}eventIdentifierType").text = "local"
    ET.SubElement(ident, f"{p}eventIdentifierValue").text = f"{objid}-creation"
    ET.SubElement(event, f"{p}eventType").text = "creation"
    ET.SubElement(event, f"{p}eventDateTime").text = now
    agent = ET.SubElement(root, f"{p}agent")
    ident = ET.SubElement(agent, f"{p}agentIdentifier")
    ET.SubElement(ident, f"{p}agentIdentifierType").text = "local"
    ET.SubElement(ident, f"{p}agentIdentifierValue").text = "avvik"
    ET.SubElement(agent, f"{p}agentName").text = "avvik"
    ET.SubElement(agent, f"{p}agentType").text = "software"
    return _xml(root)


def _html(record: dict[str, Any]) -> bytes:
    e = html.escape

    def rows(items: list[dict[str, Any]]) -> str:
        return "".join(f"<li><pre>{e(json.dumps(i, ensure_ascii=False, indent=1, default=str))}</pre></li>"
                       for i in items) or "<li>Inga.</li>"

    event = record["event"]
    parts = [f"<h1>{e(event['number'])} · {e(event['title'])}</h1>",
             f"<p>Rapporterad {e(event['created_at'])} på enhet {e(event['unit_id'])}. "
             f"Status: {e(event['status'])}.</p>",
             f"<h2>Rapporten</h2><pre>{e(json.dumps(event['data'], ensure_ascii=False, indent=1))}</pre>"]
    for case in record["cases"]:
        parts.append(f"<h2>Område {e(case['area'])} ({e(case['status'])}, avslutat {e(str(case['closed_at']))})</h2>"
                     f"<pre>{e(json.dumps(case['data'], ensure_ascii=False, indent=1, default=str))}</pre>")
    for title, key in (("Beslut", "decisions"), ("Uppgifter", "tasks"), ("Åtgärder", "actions"),
                       ("Bilagor", "attachments")):
        parts.append(f"<h2>{title}</h2><ul>{rows(record[key])}</ul>")
    body = "\n".join(parts)
    return (f'<!DOCTYPE html>\n<html lang="sv"><head><meta charset="utf-8"><title>{e(event["number"])}</title>'
            f"</head><body>\n{body}\n</body></html>\n").encode()


DOCUMENTATION, SCHEMA = "documentation/om-paketet.txt", "schemas/arende.schema.json"
# The shape of representations/rep1/data/arende.json, for whoever reads the package without avvik.
CASE_SCHEMA: dict[str, Any] = {
    "$schema": "https://json-schema.org/draft/2020-12/schema",
    "title": "Avvikelseärende (avvik)",
    "type": "object",
    "required": ["event", "cases", "decisions", "tasks", "actions", "attachments"],
    "properties": {
        "event": {"type": "object", "required": ["number", "title", "created_at", "data"],
                  "properties": {"number": {"type": "string"}, "title": {"type": "string"},
                                 "created_at": {"type": "string", "format": "date-time"}, "data": {"type": "object"}}},
        "cases": {"type": "array", "items": {"type": "object", "required": ["area", "status", "data"]}},
        "decisions": {"type": "array"}, "tasks": {"type": "array"}, "actions": {"type": "array"},
        "attachments": {"type": "array", "items": {"type": "object", "required": ["id", "sha256", "path"]}},
    },
}


def _documentation(number: str) -> bytes:
    return (f"Avvikelseärende {number}, exporterat ur avvik som ett E-ARK SIP (CSIP 2.1).\n\n"
            "representations/rep1/data/arende.json  händelsen, områdenas ärenden, beslut, uppgifter, åtgärder\n"
            "representations/rep1/data/arende.html  samma innehåll som läsbar sida\n"
            "representations/rep1/data/logg.json    ändrings- och läsloggen med kedjans kontrollsummor\n"
            "representations/rep1/data/bilagor/     bilagorna som de laddades upp\n"
            "schemas/arende.schema.json             JSON Schema för arende.json\n"
            "Varje fil har sin SHA-256 i METS.xml (fileSec) och i metadata/preservation/premis.xml.\n").encode()


def export_sip(ctx: Context, records: RecordsSettings, number: str) -> dict[str, bytes]:
    """The SIP of a closed event, as {relative path: bytes} under one folder named by the package id."""
    event = event_store.event_by_number(ctx.session, number) if isinstance(number, str) else None
    if event is None:
        raise NotFound("Händelsen finns inte.")
    if event.status != CaseStatus.CLOSED:
        raise Conflict("Bara en avslutad händelse kan arkiveras.")
    now = _iso(ctx.clock())
    objid = f"uuid-{uuid.uuid5(uuid.NAMESPACE_URL, f'avvik:{number}:{now}')}"
    cases = [c for c in event.area_cases if c.status != CaseStatus.REMOVED]
    closed = max((c.closed_at for c in cases if c.closed_at), default=ctx.clock())
    attachments = records_store.attachments_for_event(ctx.session, event.id)
    record: dict[str, Any] = {
        "event": {"number": event.number, "title": event.title, "kind": event.kind, "status": event.status,
                  "unit_id": event.unit_id, "channel": event.channel, "created_at": event.created_at.isoformat(),
                  "data": event.data},
        "cases": [{"area": c.area, "status": c.status, "unit_id": c.unit_id, "created_at": c.created_at.isoformat(),
                   "closed_at": c.closed_at.isoformat() if c.closed_at else None, "data": c.data} for c in cases],
        "decisions": [decision_view(d) for d in case_store.decisions_for_event(ctx.session, event.id)],
        "tasks": [task_view(t) for t in task_store.tasks_for_event(ctx.session, event.id)],
        "actions": [action_view(a) for a in action_store.actions_for_event(ctx.session, event.id)],
        "attachments": [{"id": a.id, "filename": a.filename, "media_type": a.media_type, "sha256": a.sha256,
                         "classification": a.classification, "target": a.target,
                         "path": f"bilagor/{a.id}-{_safe_name(a.filename)}"} for a in attachments],
    }
    log = {
        "changes": [{"id": r.id, "at": r.at.isoformat(), "actor": r.actor_id, "entity": r.entity,
                     "entity_id": r.entity_id, "operation": r.operation, "before": r.before, "after": r.after,
                     "chain": r.chain, "digest": r.digest, "hash": r.hash}
                    for r in audit_store.changes_for_event(ctx.session, event.id)],
        "reads": [{"id": r.id, "at": r.at.isoformat(), "actor": r.actor_id, "purpose": r.purpose,
                   "chain": r.chain, "digest": r.digest, "hash": r.hash}
                  for r in audit_store.reads_for_event(ctx.session, event.id)],
    }
    data: dict[str, tuple[bytes, str]] = {
        "data/arende.json": (_json(record), "application/json"),
        "data/arende.html": (_html(record), "text/html"),
        "data/logg.json": (_json(log), "application/json"),
    }
    for item, row in zip(record["attachments"], attachments):
        try:
            data[f"data/{item['path']}"] = (records.store.get(row.sha256), row.media_type)
        except BlobMissing:
            raise Unavailable(f"Bilaga {row.id} saknas i arkivet för bilagor; paketet kan inte bli komplett.") from None
    rep_mets = _representation_mets(objid, data, now)
    dc = _dublin_core(event.number, event.title, event.created_at.isoformat(), closed.isoformat(),
                      legal_entity(event.unit_path))
    files = {f"representations/rep1/{path}": content for path, (content, _) in data.items()}
    files["representations/rep1/METS.xml"] = rep_mets
    premis = _premis(objid, now, files)
    files["metadata/descriptive/dc.xml"] = dc
    files["metadata/preservation/premis.xml"] = premis

    files[DOCUMENTATION] = _documentation(event.number)
    files[SCHEMA] = _json(CASE_SCHEMA)
    root = _mets_root(objid, f"{event.number} {event.title}", now, representation=False)
    dmd = ET.SubElement(root, _m("dmdSec"), {"ID": "dmd-dc", "CREATED": now, "STATUS": "CURRENT"})
    _md_ref(dmd, "metadata/descriptive/dc.xml", "DC", dc, now)
    amd = ET.SubElement(root, _m("amdSec"), {"ID": "amd"})
    digiprov = ET.SubElement(amd, _m("digiprovMD"), {"ID": "digiprov-premis", "CREATED": now, "STATUS": "CURRENT"})
    _md_ref(digiprov, "metadata/preservation/premis.xml", "PREMIS", premis, now)
    file_sec = ET.SubElement(root, _m("fileSec"), {"ID": "filesec"})
    for group_id, use, path, mimetype in (("grp-doc", "Documentation", DOCUMENTATION, "text/plain"),
                                          ("grp-schemas", "Schemas", SCHEMA, "application/schema+json"),
                                          ("grp-rep1", "Representations/rep1", "representations/rep1/METS.xml",
                                           "text/xml")):
        group = ET.SubElement(file_sec, _m("fileGrp"), {
            "ID": group_id, "USE": use, f"{{{CSIP}}}CONTENTINFORMATIONTYPE": "OTHER",
            f"{{{CSIP}}}OTHERCONTENTINFORMATIONTYPE": "avvik-arende-1"})
        _file(group, f"file-{group_id}", path, files[path], mimetype, now)
    struct = ET.SubElement(root, _m("structMap"), {"ID": "structmap", "TYPE": "PHYSICAL", "LABEL": "CSIP"})
    top = ET.SubElement(struct, _m("div"), {"ID": "div-root", "LABEL": objid})
    ET.SubElement(top, _m("div"), {"ID": "div-metadata", "LABEL": "Metadata", "DMDID": "dmd-dc",
                                   "ADMID": "digiprov-premis"})
    for div_id, label, group_id in (("div-doc", "Documentation", "grp-doc"), ("div-schemas", "Schemas", "grp-schemas")):
        ET.SubElement(ET.SubElement(top, _m("div"), {"ID": div_id, "LABEL": label}), _m("fptr"), {"FILEID": group_id})
    reps = ET.SubElement(top, _m("div"), {"ID": "div-representations", "LABEL": "Representations"})
    ET.SubElement(reps, _m("fptr"), {"FILEID": "grp-rep1"})
    rep = ET.SubElement(reps, _m("div"), {"ID": "div-rep1", "LABEL": "Representations/rep1"})
    ET.SubElement(rep, _m("mptr"), {"LOCTYPE": "URL", f"{{{XLINK}}}type": "simple",
                                    f"{{{XLINK}}}href": "representations/rep1/METS.xml",
                                    f"{{{XLINK}}}title": "Mets file describing representation: rep1"})
    files["METS.xml"] = _xml(root)
    return {f"{objid}/{path}": content for path, content in files.items()}
