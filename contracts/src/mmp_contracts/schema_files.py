"""The JSON Schema of every message, exported to committed files so contract drift shows in review."""

import json
import sys
from pathlib import Path

from mmp_contracts.registry import CATALOGUE

SCHEMA_DIR = Path(__file__).resolve().parents[2] / "schemas"


def rendered() -> dict[str, str]:
    return {
        f"{cls.type_name()}.v{cls.schema_version}.json": json.dumps(cls.model_json_schema(), indent=2) + "\n"
        for cls in CATALOGUE
    }


def export(directory: Path = SCHEMA_DIR) -> None:
    directory.mkdir(parents=True, exist_ok=True)
    for name, text in rendered().items():
        (directory / name).write_text(text)


if __name__ == "__main__":
    export(Path(sys.argv[1]) if len(sys.argv) > 1 else SCHEMA_DIR)
