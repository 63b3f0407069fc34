"""Where the installed `copper` console script lives, for tests that run it as users do."""

import sysconfig
from pathlib import Path

COPPER = Path(sysconfig.get_path("scripts")) / "copper"
