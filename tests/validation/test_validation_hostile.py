"""Hostile and damaged input: every file yields a finding, never an exception, never a hang, never a leak."""

from __future__ import annotations

from pathlib import Path

import pytest

from engine.validation import Finding, validate_files, validate_paths

_BPMN_OPEN = b'<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" id="d">'
BILLION_LAUGHS = b'<?xml version="1.0"?>\n<!DOCTYPE lolz [\n <!ENTITY lol "lol">\n' + b"".join(
    b' <!ENTITY lol%d "%s">\n' % (i, b"".join(b"&lol%d;" % (i - 1) if i > 1 else b"&lol;" for _ in range(10)))
    for i in range(1, 10)) + b"]>\n" + _BPMN_OPEN + b'<bpmn:process id="p">&lol9;</bpmn:process></bpmn:definitions>'
XXE = (b'<?xml version="1.0"?>\n<!DOCTYPE d [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>\n' + _BPMN_OPEN +
       b'<bpmn:process id="p" name="&xxe;"/></bpmn:definitions>')
XXE_UTF16 = XXE.replace(b'version="1.0"', b'version="1.0" encoding="UTF-16"').decode().encode("utf-16")
YAML_ALIASES = b"a: &a [x, x, x, x, x, x, x, x, x]\n" + b"".join(
    b"%c: &%c [%s]\n" % (c, c, b", ".join([b"*%c" % (c - 1)] * 9)) for c in range(ord("b"), ord("j")))

# (input name, bytes, kinds it is tried as, expected code per kind or one code for all)
HOSTILE: list[tuple[str, bytes, dict[str, str]]] = [
    ("empty", b"", dict.fromkeys(["bpmn", "dmn", "form", "ui", "area", "intake"], "file.empty")),
    ("binary", bytes(range(256)) * 64, dict.fromkeys(["bpmn", "dmn", "form", "ui", "area", "intake"], "file.binary")),
    ("5mb", b"<a>" + b"x" * (5 * 1024 * 1024) + b"</a>",
     dict.fromkeys(["bpmn", "dmn", "form", "ui", "area", "intake"], "file.too_large")),
    ("billion_laughs", BILLION_LAUGHS, {"bpmn": "xml.doctype", "dmn": "xml.doctype"}),
    ("xxe", XXE, {"bpmn": "xml.doctype", "dmn": "xml.doctype"}),
    ("xxe_utf16", XXE_UTF16, {"bpmn": "xml.doctype", "dmn": "xml.doctype", "form": "file.encoding"}),
    ("deep_xml", b"<a>" * 100_000 + b"</a>" * 100_000, {"bpmn": "xml.syntax", "dmn": "xml.syntax"}),
    ("deep_json", b"[" * 100_000 + b"]" * 100_000, {"form": "form.too_deep", "ui": "form.too_deep"}),
    ("deep_json_objects", b'{"a":' * 50_000 + b"1" + b"}" * 50_000, {"form": "form.too_deep"}),
    ("deep_yaml", b"a: " + b"[" * 5_000 + b"]" * 5_000, {"area": "yaml.syntax", "intake": "yaml.syntax"}),
    ("yaml_aliases", YAML_ALIASES, {"area": "yaml.anchor", "intake": "yaml.anchor"}),
    ("yaml_python_tag", b'!!python/object/apply:os.system ["echo owned"]\n', {"area": "yaml.syntax"}),
    ("invalid_utf8", b'{"title": "caf\xe9 \xff"}', {"bpmn": "xml.syntax", "form": "file.encoding",
                                                    "area": "file.encoding", "intake": "file.encoding"}),
]
PATHS = {"bpmn": "processes/x/x.bpmn", "dmn": "processes/x/x.dmn", "form": "forms/f.json", "ui": "forms/f.ui.json",
         "area": "processes/x/area.yaml", "intake": "processes/intake.yaml"}
CASES = [(name, data, kind, code) for name, data, kinds in HOSTILE for kind, code in kinds.items()]


def _assert_refused(findings: list[Finding], file: str, code: str) -> None:
    own = [f for f in findings if f.file == file]
    assert [f.code for f in own if f.severity == "error"][:1] == [code], own
    assert not any(f.code == "validator.internal_error" for f in findings)
    assert not any("root:" in f.message for f in findings)  # nothing of /etc/passwd ever shows


@pytest.mark.parametrize(("name", "data", "kind", "code"), CASES, ids=[f"{c[0]}-{c[2]}" for c in CASES])
def test_hostile_file_in_a_definition_set(name: str, data: bytes, kind: str, code: str) -> None:
    _assert_refused(validate_files({PATHS[kind]: data}), PATHS[kind], code)


@pytest.mark.parametrize(("name", "data", "kind", "code"), CASES, ids=[f"{c[0]}-{c[2]}" for c in CASES])
def test_hostile_file_on_disk(tmp_path: Path, name: str, data: bytes, kind: str, code: str) -> None:
    path = tmp_path / PATHS[kind].replace("/", "_")
    if kind == "intake":
        path = tmp_path / "intake.yaml"
    path.write_bytes(data)
    _assert_refused(validate_paths([path]), path.as_posix(), code)


def test_hostile_file_inside_a_tree_on_disk(tmp_path: Path) -> None:
    (tmp_path / "processes" / "x").mkdir(parents=True)
    (tmp_path / "forms").mkdir()
    (tmp_path / "processes" / "x" / "x.bpmn").write_bytes(XXE)
    (tmp_path / "forms" / "f.json").write_bytes(b"[" * 100_000)
    findings = validate_paths([tmp_path])
    codes = {(Path(f.file).name, f.code) for f in findings}
    assert {("x.bpmn", "xml.doctype"), ("f.json", "form.too_deep")} <= codes


@pytest.mark.parametrize("path", ["does/not/exist.bpmn", "does/not/exist"])
def test_missing_path_is_a_finding(path: str) -> None:
    assert [f.code for f in validate_paths([Path(path)])] == ["path.not_found"]


def test_unsupported_file_and_folder_are_findings(tmp_path: Path) -> None:
    (tmp_path / "notes.txt").write_text("hej")
    (tmp_path / "empty").mkdir()
    findings = validate_paths([tmp_path / "notes.txt", tmp_path / "empty"])
    assert sorted(f.code for f in findings) == ["path.unknown_layout", "path.unsupported"]
