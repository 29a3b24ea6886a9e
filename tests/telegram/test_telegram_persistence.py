"""The state file survives crashes: written whole or not at all, and a damaged one
never stops the bot from starting."""

from __future__ import annotations

import asyncio
import logging
import os
import pickle
from pathlib import Path
from typing import Any

import pytest
from telegram import Bot

from bot.content import Content
from bot.telegram.persistence import UserDataPersistence
from tests.fake_bot_api import DEFAULT_TOKEN, FakeBotAPI
from tests.support.bots import serving
from tests.support.chat import Chat

USER = 7601


class Killed(BaseException):
    """Stands in for SIGKILL at the worst moment."""


def _load(path: Path) -> Any:
    with path.open("rb") as f:
        return pickle.load(f)


@pytest.mark.asyncio
async def test_a_write_interrupted_before_the_rename_leaves_the_old_file_whole(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "state.pickle"
    store = UserDataPersistence(path)
    store.set_bot(Bot(DEFAULT_TOKEN))
    await store.get_user_data()
    await store.update_user_data(USER, {"check": {"nonce": "aaaaaa", "path": ["a"]}})
    assert _load(path)["user_data"] == {USER: {"check": {"nonce": "aaaaaa", "path": ["a"]}}}
    assert path.stat().st_mode & 0o777 == 0o600

    def killed(*_: object) -> None:
        raise Killed

    monkeypatch.setattr(os, "replace", killed)
    with pytest.raises(Killed):
        await store.update_user_data(USER, {"check": {"nonce": "bbbbbb", "path": ["a", "b"]}})
    # The file is the complete earlier state, never a torn mix.
    assert _load(path)["user_data"][USER]["check"]["nonce"] == "aaaaaa"


@pytest.mark.asyncio
async def test_a_damaged_state_file_is_moved_aside_and_the_bot_starts(
    server: FakeBotAPI, content: Content, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    data = tmp_path / "data"
    data.mkdir()
    (data / "state.pickle").write_bytes(b"\x80\x04\x95garbage, cut off by a crash")
    chat = Chat(server, USER, USER)
    caplog.set_level(logging.WARNING)
    async with serving(server, content, data) as app:
        assert app.user_data == {}
        # Her old check's buttons are explained as expired; she can start again.
        stale, answer = await chat.press_data(4242, "c:abcdef:2:0", inaccessible=True)
        assert answer["text"] == content.ui["expired_short"]
        assert content.ui["expired"] in stale.text
        check = await chat.say("/doctor")
        assert content.check_ui["intro"] in check.text
        await asyncio.to_thread(server.wait_idle)
    assert (data / "state.pickle.damaged").exists()
    assert _load(data / "state.pickle")["user_data"][USER]["check"]["path"]
    [line] = [r.getMessage() for r in caplog.records if r.levelno >= logging.WARNING]
    assert "could not be read" in line
    assert "state.pickle.damaged" in line
