"""A pathway set up on the issuer for the wallet's pathway screens."""

from __future__ import annotations

from typing import Any

from support.issuer import AUTH, achievement
from support.wallet import Servers


def course(name: str, ects: int) -> dict[str, Any]:
    data = achievement(0)
    data.update(name=name, ects=ects)
    del data["humanCode"]
    return data


async def data_literacy_pathway(servers: Servers) -> tuple[str, dict[str, str]]:
    """A Data Literacy pathway on the test issuer: two mandatory courses and one elective of 3+ ECTS."""
    issuer = servers.issuer
    uuids = {
        "basics": issuer.achievement_uuid,
        "stats": await issuer.add_achievement(course("Statistics for Decisions", 4)),
        "viz": await issuer.add_achievement(course("Data Visualisation", 4)),
    }
    async with issuer.client.get(f"{issuer.url}/api/issuer/profile", headers=AUTH) as resp:
        did = (await resp.json())["did"]
    ids = {k: f"{issuer.url}/achievements/{u}" for k, u in uuids.items()}
    names = {
        "basics": "Data Literacy Compact Course",
        "stats": "Statistics for Decisions",
        "viz": "Data Visualisation",
    }
    cert = course("Certificate in Data Literacy", 11)
    cert["achievementType"] = "Certificate"
    pathway = {
        "achievement": cert,
        "rule": {
            "components": [{"achievement": ids[k], "issuer": did, "name": names[k]} for k in ids],
            "mandatory": [ids["basics"], ids["stats"]],
            "electiveGroups": [
                {"name": "Electives", "components": [ids["viz"]], "minCount": 1, "minEctsEach": 3}
            ],
        },
    }
    async with issuer.client.post(f"{issuer.url}/api/pathways", json=pathway, headers=AUTH) as resp:
        assert resp.status == 201, await resp.text()
        record = await resp.json()
    return str(record["id"]), uuids
