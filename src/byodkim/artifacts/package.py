"""The dkim-manager Lambda's code: the byodkim package itself, zipped reproducibly.

Only byodkim's own modules go in: boto3 comes with the runtime, cryptography and
dnspython with the layer, and the emulator and CLI are not needed on Lambda.
"""

from __future__ import annotations

import base64
import hashlib
import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path

from byodkim.artifacts.reprozip import write_reproducible_zip

# The Lambda runs the handler over rollout/, aws/, dnscheck/ and dkim/; the doors and tools for
# people (CLI, Sceptre plugins, emulator, local rehearsal, builders) never run there.
_LEFT_OUT = {"emulator", "cli", "local", "artifacts", "sceptre_plugins.py", "__main__.py"}
HANDLER = "byodkim.lambda_handler.handler"


@dataclass(frozen=True)
class CodeZip:
    """The function's code zip and its content address."""

    path: Path
    sha256_hex: str
    sha256_b64: str

    @property
    def s3_key(self) -> str:
        """Return a key that changes exactly when the code does, so CloudFormation updates only then."""
        return f"lambda/dkim-manager-{self.sha256_hex[:20]}.zip"


def build_code_zip(out: Path) -> CodeZip:
    """Zip the byodkim package (without the emulator) to ``out``."""
    source = Path(__file__).resolve().parents[1]  # the byodkim package
    with tempfile.TemporaryDirectory(prefix="byodkim-code-") as tmp:
        staged = Path(tmp) / "byodkim"
        shutil.copytree(
            source, staged, ignore=lambda folder, names: [n for n in names if _left_out(Path(folder), n, source)]
        )
        out.parent.mkdir(parents=True, exist_ok=True)
        write_reproducible_zip(staged, out, "byodkim/")
    data = out.read_bytes()
    digest = hashlib.sha256(data)
    return CodeZip(out, digest.hexdigest(), base64.b64encode(digest.digest()).decode())


def _left_out(folder: Path, name: str, package: Path) -> bool:
    return name == "__pycache__" or name.endswith(".pyc") or (folder == package and name in _LEFT_OUT)
