"""The codebook in the REFI-QDA Codebook exchange format (QDC, https://www.qdasoftware.org/): an XML document
``CodeBook`` → ``Codes`` → nested ``Code`` elements (``guid``, ``name``, ``isCodable``, ``color``) with an optional
``Description`` child, in the namespace ``urn:QDA-XML:codebook:1.0``. ATLAS.ti, MAXQDA, NVivo and QDA Miner read it.
"""

from __future__ import annotations

from collections import defaultdict
from xml.etree import ElementTree as ET

NAMESPACE = "urn:QDA-XML:codebook:1.0"


def codebook_qdc(study) -> bytes:
    ET.register_namespace("", NAMESPACE)
    root = ET.Element(f"{{{NAMESPACE}}}CodeBook", {"origin": "Resurs"})
    codes_el = ET.SubElement(root, f"{{{NAMESPACE}}}Codes")
    codes = list(study.codes.order_by("order", "name"))
    children = defaultdict(list)
    for code in codes:
        children[code.parent_id].append(code)

    def add(parent_el, code):
        element = ET.SubElement(
            parent_el,
            f"{{{NAMESPACE}}}Code",
            {
                "guid": str(code.guid),
                "name": code.name,
                "isCodable": "true" if code.is_codable else "false",
                "color": code.color.upper(),
            },
        )
        if code.description:
            ET.SubElement(element, f"{{{NAMESPACE}}}Description").text = code.description
        for child in children.get(code.pk, []):
            add(element, child)

    for code in children.get(None, []):
        add(codes_el, code)
    ET.indent(root)
    return ET.tostring(root, encoding="utf-8", xml_declaration=True)
