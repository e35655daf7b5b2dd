"""The Open311 GeoReport v2 description (fixtures/open311), corrected for testing Mapa.

The file is kept as published (CC BY 3.0, the Open311 community); the
corrections are made here, in code, each with its reason (fixtures/open311/README.md).
"""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import yaml

SPEC = Path(__file__).resolve().parents[2] / "fixtures" / "open311" / "georeport_v2-1.yaml"
ERRORS = {
    "type": "array",
    "items": {
        "type": "object",
        "required": ["code", "description"],
        "properties": {"code": {"type": "integer"}, "description": {"type": "string"}},
    },
}


# Gdańsk's extent, WGS84 degrees, a little generous.
BOX = {"lat": (54.27, 54.45), "long": (18.43, 18.95)}
# Services that ask no required question (stray-animal's is tested elsewhere).
SERVICES = ("pothole", "pavement", "graffiti-vandalism", "other")


def corrected_spec(
    *, fmt: str = "json", jurisdiction: str = "gdansk", service_codes: tuple[str, ...] = SERVICES
) -> dict[str, Any]:
    spec: dict[str, Any] = yaml.safe_load(SPEC.read_text("utf-8"))
    paths = spec["paths"]
    # 1. The file's typo: the standard's path is /requests/{id}, not /request/{id}.
    paths["/requests/{service_request_id}.{response_format}"] = paths.pop(
        "/request/{service_request_id}.{response_format}"
    )
    # 2. One request is answered as a list of one (the wiki's GeoReport v2, and clients).
    one = paths["/requests/{service_request_id}.{response_format}"]["get"]["responses"]["200"]
    one["schema"] = {"type": "array", "items": {"$ref": "#/definitions/Request"}}
    # 3. The errors the wiki defines, with the standard's error array, where the file has none.
    for operations in paths.values():
        for operation in operations.values():
            responses = operation["responses"]
            for code, why in (("400", "bad parameter"), ("404", "not found")):
                responses.setdefault(code, {"description": why})
                responses[code]["schema"] = copy.deepcopy(ERRORS)
            responses.setdefault("403", {"description": "api_key", "schema": ERRORS})
    # 4. Mapa's own: one format per run (``fmt``: json or xml), the city's jurisdiction,
    #    and for POST its services and a box around Gdańsk (so that some requests are
    #    filed: points in the box at sea or in Sopot are refused, as they should be).
    spec["parameters"]["response_format"]["enum"] = [fmt]
    spec["parameters"]["jurisdiction_id"]["enum"] = [jurisdiction]
    post = paths["/requests.{response_format}"]["post"]["parameters"]
    for parameter in post:
        if parameter.get("name") == "service_code":
            parameter["enum"] = list(service_codes)
        elif parameter.get("name") in BOX:
            parameter["minimum"], parameter["maximum"] = BOX[parameter["name"]]
    return spec
