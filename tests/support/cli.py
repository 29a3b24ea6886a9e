"""The faqbot command run in this process: `bot.cli.main` as `python -m bot` runs it,
without the second or so a fresh interpreter takes to start."""

from __future__ import annotations

import io
import os
import subprocess
import sys
from contextlib import redirect_stderr, redirect_stdout
from pathlib import Path

import pytest

from bot import cli
from tests.support import ROOT, brain_once, load_content_once

# The environment faqbot sees: no token (no Telegram) and the default faq.yaml.
ENV = {k: v for k, v in os.environ.items() if k not in {"TELEGRAM_BOT_TOKEN", "FAQ_PATH"}}


def faqbot(*args: str, stdin: str = "", cwd: Path = ROOT) -> subprocess.CompletedProcess[str]:
    """`faqbot ARGS < stdin` run in `cwd` with ENV; its exit status and output."""
    out, err = io.StringIO(), io.StringIO()
    saved = os.environ.copy()  # faqbot loads a .env from `cwd` into the environment
    try:
        with pytest.MonkeyPatch.context() as patch:
            os.environ.clear()
            os.environ.update(ENV)
            patch.chdir(cwd)
            patch.setattr(sys, "stdin", io.StringIO(stdin))
            patch.setattr(cli, "load_content", load_content_once)
            patch.setattr(cli, "Brain", brain_once)
            with redirect_stdout(out), redirect_stderr(err):
                code = cli.main(list(args))
    finally:
        os.environ.clear()
        os.environ.update(saved)
    return subprocess.CompletedProcess(["faqbot", *args], code, out.getvalue(), err.getvalue())
