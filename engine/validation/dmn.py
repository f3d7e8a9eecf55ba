"""One DMN file: its decision, its cells as the expressions SpiffWorkflow will really evaluate, and the
file-local findings (shape of the table, hit policy, cell syntax, the FEEL-list trap).
"""

from __future__ import annotations

import ast
import re
from dataclasses import dataclass, field

from lxml import etree

from engine.validation.expressions import Expr, check_syntax
from engine.validation.findings import ERROR, Finding
from engine.validation.xmlsafe import at, local

__all__ = ["DmnDoc", "read_dmn", "SUPPORTED_DMN"]

# The DMN versions SpiffWorkflow 3.2.0 ships schemas for.
SUPPORTED_DMN = {
    "http://www.omg.org/spec/DMN/20151101/dmn.xsd",
    "http://www.omg.org/spec/DMN/20180521/MODEL/",
    "https://www.omg.org/spec/DMN/20191111/MODEL/",
}
# SpiffWorkflow's DMNEngine replaces a `?` outside quotes with the input value; same pattern as there.
_QMARK = re.compile(r"(\?)(?=(?:[^'\"]|['\"][^'\"]*['\"])*$)")


@dataclass
class DmnDoc:
    file: str
    root: etree._Element
    decisions: set[str] = field(default_factory=set)
    outputs: set[str] = field(default_factory=set)  # names the decision writes into the case data
    exprs: list[Expr] = field(default_factory=list)
    literals: list[tuple[etree._Element, str, str]] = field(default_factory=list)  # entry, output name, string


def _text(node: etree._Element | None) -> str:
    text = node.findtext("{*}text") if node is not None else None
    return (text or "").strip()


def _completed(input_expr: str, cell: str) -> str:
    """The expression DMNEngine.evaluate builds from an input expression and one input cell."""
    from engine.errors import SandboxError
    from engine.sandbox import check_expression

    if _QMARK.search(cell):
        return _QMARK.sub(lambda _: f"({input_expr})", cell)
    try:
        check_expression(cell)
    except SandboxError as err:
        if err.details.get("reason") == "syntax_error":
            return input_expr + cell  # e.g. "> 5": DMNEngine appends it to the input expression as is
        return cell  # refused for another reason: check_syntax reports it on the cell alone
    except Exception:
        return cell
    return f"({input_expr}) == ({cell})"


def _feel_list(cell: str) -> bool:
    """`"a","b"` is a FEEL list but a Python tuple, which never equals the input: it silently never matches."""
    try:
        body = ast.parse(cell.strip(), mode="eval").body
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return False
    return isinstance(body, ast.Tuple) and not cell.strip().startswith("(")


def _table(doc: DmnDoc, table: etree._Element) -> list[Finding]:
    file, found = doc.file, []
    policy = (table.get("hitPolicy") or "UNIQUE").upper()
    if policy not in {"UNIQUE", "COLLECT"} or table.get("aggregation"):
        found.append(at(ERROR, "dmn.hit_policy", file, table,
                        f"Träffpolicyn {' '.join(filter(None, [policy, table.get('aggregation')]))} stöds inte;"
                        " motorn kan bara UNIQUE (första träffen) och COLLECT (alla träffar, som lista).",
                        "Välj träffpolicyn UNIQUE eller COLLECT (utan summering)."))
    inputs: list[etree._Element] = []
    outputs: list[etree._Element] = []
    rules: list[etree._Element] = []
    for child in table:
        kind = local(child)
        if kind in {"input", "output", "rule"}:
            {"input": inputs, "output": outputs, "rule": rules}[kind].append(child)
        else:
            found.append(at(ERROR, "dmn.unsupported_element", file, child if kind else table,
                            f"Beslutstabellen innehåller {'<' + kind + '>' if kind else 'en kommentar'}, "
                            "som motorn inte kan läsa.",
                            "Ta bort elementet (t.ex. anteckningskolumner) ur beslutstabellen."))
    input_exprs = []
    for node in inputs:
        text = _text(node.find("{*}inputExpression"))
        input_exprs.append(text)
        if not text:
            found.append(at(ERROR, "dmn.input_without_expression", file, node,
                            f"Indatakolumnen '{node.get('label') or node.get('id')}' saknar uttryck.",
                            "Skriv vilket fält kolumnen läser, t.ex. enhetstyp eller riskbedomning[\"sannolikhet\"]."))
        else:
            doc.exprs.append(Expr(file, "dmn_input", text, node.sourceline, node.get("id"), node.get("label")))
    for node in outputs:
        if not node.get("name"):
            found.append(at(ERROR, "dmn.output_without_name", file, node,
                            f"Utdatakolumnen '{node.get('label') or node.get('id')}' saknar namn, så resultatet får "
                            "inget fältnamn i ärendet.",
                            "Ge kolumnen ett namn (name), t.ex. omraden."))
        doc.outputs.add(node.get("name") or node.get("label") or "")
    for rule in rules:
        found.extend(_rule(doc, rule, inputs, input_exprs, outputs))
    return found


def _rule(doc: DmnDoc, rule: etree._Element, inputs: list[etree._Element], input_exprs: list[str],
          outputs: list[etree._Element]) -> list[Finding]:
    file, found = doc.file, []
    ins, outs = rule.findall("{*}inputEntry"), rule.findall("{*}outputEntry")
    if len(ins) != len(inputs) or len(outs) != len(outputs):
        found.append(at(ERROR, "dmn.rule_shape", file, rule,
                        f"Regeln har {len(ins)} indata- och {len(outs)} utdataceller, men tabellen har "
                        f"{len(inputs)} indata- och {len(outputs)} utdatakolumner.",
                        "Spara tabellen på nytt i modelleringsverktyget så att varje regel har en cell per kolumn."))
        return found
    for entry, column, input_expr in zip(ins, inputs, input_exprs, strict=True):
        cell = _text(entry)
        if not cell or cell == "-" or not input_expr:
            continue
        if _feel_list(cell):
            found.append(at(ERROR, "dmn.feel_list", file, entry,
                            f"Cellen {cell} är skriven som en FEEL-lista. Cellerna är Python-uttryck, och då matchar "
                            "den aldrig.",
                            f"Skriv ? in ({cell}) för att matcha något av värdena."))
            continue
        expr = Expr(file, "dmn_entry", _completed(input_expr, cell), entry.sourceline,
                    entry.get("id") or rule.get("id"), column.get("label") or None, shown=cell)
        doc.exprs.append(expr)
        found.extend(check_syntax(expr))
    for entry, column in zip(outs, outputs, strict=True):
        cell = _text(entry)
        if not cell:
            continue
        expr = Expr(file, "dmn_output", cell, entry.sourceline, entry.get("id") or rule.get("id"),
                    column.get("label") or None)
        doc.exprs.append(expr)
        found.extend(check_syntax(expr))
        try:
            value = ast.literal_eval(cell)
        except (ValueError, SyntaxError, TypeError, RecursionError, MemoryError):
            continue
        if isinstance(value, str):
            doc.literals.append((entry, column.get("name") or "", value))
    return found


def read_dmn(file: str, root: etree._Element) -> tuple[DmnDoc | None, list[Finding]]:
    qname = etree.QName(root.tag) if isinstance(root.tag, str) else None
    if qname is None or qname.localname != "definitions" or "DMN" not in (qname.namespace or ""):
        return None, [Finding(ERROR, "dmn.wrong_root", file, "Filen är XML men ingen DMN-fil (beslutstabell).",
                              "Spara beslutstabellen som DMN (.dmn) från modelleringsverktyget.",
                              line=root.sourceline)]
    if qname.namespace not in SUPPORTED_DMN:
        return None, [Finding(ERROR, "dmn.unsupported_version", file,
                              f"Filen använder en DMN-version ({qname.namespace}) som motorn inte kan läsa.",
                              "Spara filen som DMN 1.3 (eller 1.2) från modelleringsverktyget.", line=root.sourceline)]
    doc, found = DmnDoc(file, root), []
    decisions = root.findall(".//{*}decision")
    if len(decisions) != 1:
        found.append(at(ERROR, "dmn.decision_count", file, decisions[1] if decisions[1:] else root,
                        f"Filen har {len(decisions)} beslut; motorn kan bara läsa filer med exakt ett beslut.",
                        "Lägg varje beslutstabell i en egen DMN-fil."))
    for decision in decisions:
        doc.decisions.add(decision.get("id", ""))
        tables = decision.findall("{*}decisionTable")
        if len(tables) != 1:
            found.append(at(ERROR, "dmn.no_decision_table", file, decision,
                            f"Beslutet har {len(tables)} beslutstabeller; motorn kräver exakt en.",
                            "Beskriv beslutet som en enda beslutstabell."))
        for table in tables:
            found.extend(_table(doc, table))
    return doc, found
