"""The process owners' validator: plain-language, located findings for BPMN, DMN, form and area files.

    validate_files(files)   a whole definition set, path -> bytes (release loader, HTTP API)
    validate_paths(paths)   tree roots, area folders or single files on disk (the CLI)
    render_text / render_json / has_errors

Every check lives in a small module: xmlsafe (safe XML), bpmn + bpmn_checks + timers (BPMN), spiff
(SpiffWorkflow's own parser as a safety net), dmn, forms + formindex (JSON Schema), areas (YAML), crossfile
+ arearules (rules between files), xsd (BPMN/DMN schemas), model + load + tree (orchestration).
"""

from engine.validation.findings import Finding, has_errors, render_json, render_text
from engine.validation.tree import validate_files, validate_paths

__all__ = ["Finding", "validate_files", "validate_paths", "render_text", "render_json", "has_errors"]
