"""Legacy commands in shell scripts, Makefiles, Dockerfiles and YAML."""

from __future__ import annotations

from headrace.migrate.textscan import scan_text


def test_1x_commands() -> None:
    text = (
        "#!/bin/sh\n"
        "prefect backend server\n"
        "prefect register --project analytics -p flows/\n"
        "prefect agent kubernetes start --label prod\n"
        "prefect run -n etl --watch\n"
    )
    hits = scan_text("start.sh", text, "prefect")
    assert [(h.line, h.code) for h in hits] == [(2, "P190"), (3, "P190"), (4, "P190"), (5, "P190")]
    assert hits[2].found == "prefect agent kubernetes start --label prod"
    assert hits[2].replacement == "prefect worker start --pool <pool>"
    assert "flow.deploy" in hits[1].replacement


def test_2x_commands_in_yaml_and_makefile() -> None:
    yaml = (
        "jobs:\n"
        "  deploy:\n"
        "    steps:\n"
        "      - run: prefect deployment build flows/etl.py:etl -n nightly -q default\n"
        "      - run: prefect deployment apply etl-deployment.yaml\n"
    )
    hits = scan_text(".github/workflows/deploy.yml", yaml, "prefect")
    assert [h.code for h in hits] == ["P290", "P290"]
    assert hits[0].replacement == "prefect deploy flows/etl.py:etl -n nightly -p <pool>"
    make = "agent:\n\tprefect agent start -q default\nserver:\n\tprefect orion start\n"
    hits = scan_text("Makefile", make, "headrace")
    assert [(h.line, h.found) for h in hits] == [
        (2, "prefect agent start -q default"),
        (4, "prefect orion start"),
    ]
    assert "flow.serve" in hits[0].replacement
    assert hits[1].replacement == "prefect server start"


def test_requirement_pins_and_docker() -> None:
    assert [h.code for h in scan_text("requirements.txt", "prefect==1.4.1\nrequests\n")] == ["P190"]
    assert [h.code for h in scan_text("r.txt", "prefect[aws]~=2.19\n")] == ["P290"]
    docker = 'FROM python:3.11\nCMD ["sh", "-c", "prefect agent local start -l docker"]\n'
    hits = scan_text("Dockerfile", docker)
    assert len(hits) == 1 and hits[0].line == 2


def test_current_commands_are_not_reported() -> None:
    text = "prefect worker start --pool p\nprefect deploy --all\nprefect server start\n"
    assert scan_text("run.sh", text) == []
