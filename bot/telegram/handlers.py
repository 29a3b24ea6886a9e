"""Thin async PTB callbacks: read the update, ask the brain, send what it says.

Per-user state is `context.user_data` (kept by persistence.py); the brain
stores in it only the doctor check in progress. It is one per user, shared by
all their chats, so only private chats use it: in groups (and inline) the brain
gets a fresh state, the check is never shown or touched there, and what would
start it is a button to the private chat. A callback that changed it writes it
to disk before replying (save_now, forget_user), so what the person sees never
runs ahead of what survives a crash. No callback logs what a user wrote. Which
update reaches which callback is decided in app.py.
"""

from __future__ import annotations

import asyncio
import contextlib
import copy
import logging
import re
import sqlite3
import time
from collections.abc import Mapping
from dataclasses import replace
from typing import Any

from telegram import (
    CallbackQuery,
    Chat,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    InlineQueryResultArticle,
    InlineQueryResultsButton,
    InputTextMessageContent,
    Message,
    MessageEntity,
    ReplyParameters,
    Update,
)
from telegram.constants import ChatMemberStatus, ChatType, InlineQueryLimit
from telegram.error import BadRequest, Forbidden, NetworkError, RetryAfter, TelegramError
from telegram.ext import ContextTypes
from telegram.helpers import create_deep_linked_url

from bot.brain import CHECK_KEY, Brain, State
from bot.callbacks import Feedback, decode
from bot.content import Entry
from bot.events import EventStore
from bot.reload import ContentReloader, ReloadResult
from bot.replies import Reply, Section
from bot.report import build_report, format_report
from bot.telegram.edits import AnsweredTexts
from bot.telegram.persistence import StateNotSaved
from bot.telegram.render import render, render_text
from bot.telegram.resilience import describe_failure
from bot.telegram.votes import MessageKey, RecentTaps, VotedMessages

log = logging.getLogger(__name__)

Context = ContextTypes.DEFAULT_TYPE

# Deep-link payload of the "open the bot" button above inline results.
INLINE_START_PAYLOAD = "inline"
# Deep-link payload that opens the doctor check (bot.brain.CHECK_PAYLOADS).
CHECK_START_PAYLOAD = "check"
INLINE_CACHE_SECONDS = 60
INLINE_DESCRIPTION_CHARS = 100
# /stats covers this many days unless told otherwise (/stats 30), at most MAX_STATS_DAYS.
STATS_DAYS = 7
MAX_STATS_DAYS = 3660
# Where the doctor check's message is remembered while the check runs (its chat,
# message id and the check's nonce), so that leaving the check can close it.
CHECK_MESSAGE_KEY = "check_message"
# Reply kinds that explain how to use the bot; in groups they get the group hint.
HOW_TO_KINDS = frozenset({"menu", "help"})


def _is_private(update: Update) -> bool:
    chat = update.effective_chat
    return chat is not None and chat.type == ChatType.PRIVATE


def _is_not_modified(error: BadRequest) -> bool:
    return "message is not modified" in error.message.lower()


# Telegram's answers to a query answered too late: the user typed on, or the bot was slow.
_QUERY_EXPIRED = ("query is too old", "query id is invalid")


def _query_expired(error: BadRequest) -> bool:
    return any(reason in error.message.lower() for reason in _QUERY_EXPIRED)


def _tap(query: CallbackQuery) -> tuple[object, ...]:
    """Who pressed which button on which message, as the message then was (a second
    press after the first one's edit is not a double tap, even within seconds)."""
    message = query.message
    where: MessageKey = (
        (message.chat.id, message.message_id)
        if message is not None
        else query.inline_message_id or query.id
    )
    shown = hash((message.text, message.edit_date)) if isinstance(message, Message) else None
    return query.from_user.id, where, query.data, shown


def _one_line(text: str, limit: int) -> str:
    """`text` on one line, cut to `limit` characters (an inline result's description)."""
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def _storage_failure(error: Exception) -> str:
    """An event-store failure for the log: SQLite's own message (it never quotes the
    data), anything else by its type only (a UnicodeEncodeError quotes the text)."""
    if isinstance(error, sqlite3.Error):
        return f"{type(error).__name__}: {error}"
    return type(error).__name__


def _stats_days(args: list[str] | None) -> int | None:
    """The period of /stats [days]; None for anything but one whole number in range."""
    if not args:
        return STATS_DAYS
    if len(args) != 1 or not args[0].isdecimal() or len(args[0]) > 5:
        return None
    days = int(args[0])
    return days if 1 <= days <= MAX_STATS_DAYS else None


class Handlers:
    """The callbacks, bound to one brain (swapped whole when faq.yaml is reloaded)."""

    def __init__(
        self,
        brain: Brain,
        events: EventStore | None = None,
        admins: frozenset[int] = frozenset(),
        reloader: ContentReloader | None = None,
    ) -> None:
        self.brain = brain
        self.events = events
        self.admins = admins
        self.reloader = reloader
        self.voted = VotedMessages()
        self.taps = RecentTaps()
        self.answered = AnsweredTexts()

    @property
    def ui(self) -> Mapping[str, str]:
        return self.brain.content.ui

    # -- statistics ---------------------------------------------------------

    def _record(self, reply: Reply, text: str) -> None:
        """Count a question in the anonymous store; a storage failure never stops a reply."""
        if self.events is None:
            return
        try:
            self.events.record(reply, text)
        except Exception as error:  # whatever it is: the statistics are not worth a reply
            log.warning("could not record an event (%s)", _storage_failure(error))

    def _vote(self, reply: Reply) -> None:
        if self.events is None or reply.entry is None:
            return
        try:
            self.events.feedback(reply.entry, "up" if reply.kind == "feedback-up" else "down")
        except Exception as error:
            log.warning("could not record feedback (%s)", _storage_failure(error))

    async def _ask_brain(self, update: Update, context: Context, text: str) -> None:
        message = update.effective_message
        if message is not None and not self.answered.changed(
            message.chat.id, message.message_id, text
        ):
            return  # an edit that changed only the formatting: already answered
        before = self._snapshot(context)
        reply = self.brain.on_text(self._state(update, context), text)
        await self._save_if_changed(update, context, before)
        await self._reply(update, context, reply)
        self._record(reply, text)

    # -- helpers ------------------------------------------------------------

    @staticmethod
    def _state(update: Update, context: Context) -> State:
        """The user's state in a private chat; elsewhere a fresh one (user_data is
        shared by all the user's chats: their check must not show in a group)."""
        data = context.user_data
        return data if data is not None and _is_private(update) else {}

    # -- durable state: a check's progress is on disk before the reply shows it ----

    @staticmethod
    def _snapshot(context: Context) -> dict[Any, Any]:
        """A copy of the user's state, to tell afterwards whether the brain changed it."""
        return copy.deepcopy(dict(context.user_data or {}))

    async def _save_if_changed(
        self, update: Update, context: Context, before: dict[Any, Any]
    ) -> None:
        if dict(context.user_data or {}) != before:
            await save_now(update, context)

    def _simple(self, kind: str, text: str) -> Reply:
        """A text from faq.yaml with the menu buttons."""
        return Reply((Section(text),), kind, self.brain.menu().buttons)

    def _for_chat(self, reply: Reply, chat: Chat) -> Reply:
        if chat.type != ChatType.PRIVATE and reply.kind in HOW_TO_KINDS:
            return replace(reply, sections=(*reply.sections, Section(self.ui["group_hint"])))
        return reply

    def _private_check_link(self, context: Context) -> tuple[str, InlineKeyboardMarkup]:
        """Outside private chats the check is not shown: a button opens it in private."""
        url = create_deep_linked_url(context.bot.username, CHECK_START_PAYLOAD)
        button = InlineKeyboardButton(self.brain.content.buttons["doctor_check"], url=url)
        text = render_text(Reply((Section(self.ui["check_private"]),), "check-private"))
        return text, InlineKeyboardMarkup([[button]])

    async def _send(
        self, context: Context, chat: Chat, reply: Reply, reply_to: int | None = None
    ) -> int | None:
        """Send `reply`; the new message's id for a doctor-check step, else None."""
        in_private = chat.type == ChatType.PRIVATE
        text: str
        markup: InlineKeyboardMarkup | None
        if reply.kind == "check" and not in_private:
            text, markup = self._private_check_link(context)
        else:
            text, markup = render(self._for_chat(reply, chat))
        reply_parameters = (
            ReplyParameters(reply_to, allow_sending_without_reply=True)
            if reply_to is not None
            else None
        )
        sent = await context.bot.send_message(
            chat.id, text, reply_markup=markup, reply_parameters=reply_parameters
        )
        log.debug("sent a %s reply (entry %s)", reply.kind, reply.entry)
        # The check's message is remembered (to close it later), so its id is needed.
        return sent.message_id if reply.kind == "check" and in_private else None

    async def _reply(self, update: Update, context: Context, reply: Reply) -> None:
        """Answer the message of `update`: in groups, and to an edit anywhere, as a reply
        to it (quoting it: an edit of an old message is answered at the chat's end)."""
        message, chat = update.effective_message, update.effective_chat
        if message is None or chat is None:
            return
        quote = chat.type != ChatType.PRIVATE or update.edited_message is not None
        reply_to = message.message_id if quote else None
        stale = await self._take_stale_check_message(update, context, reply.kind == "check")
        sent = await self._send(context, chat, reply, reply_to)
        self._remember_check_message(update, context, chat.id, sent)
        if stale is not None:
            await self._close_check_message(context, *stale)

    async def _take_stale_check_message(
        self, update: Update, context: Context, new_copy: bool, edited: int | None = None
    ) -> tuple[dict[str, Any], str | None] | None:
        """_stale_check_message, with an ended check's message reference off the disk
        too (the only change it makes; saving when nothing changed costs every reply)."""
        state = self._state(update, context)
        had_reference = CHECK_MESSAGE_KEY in state
        stale = self._stale_check_message(state, new_copy, edited)
        if had_reference and CHECK_MESSAGE_KEY not in state:
            await save_now(update, context)
        return stale

    def _stale_check_message(
        self, state: State, new_copy: bool, edited: int | None = None
    ) -> tuple[dict[str, Any], str | None] | None:
        """One live copy of the doctor check: the old check message to close now,
        with the text to put in it (None: only its buttons go). A new copy of
        the same step (`new_copy`) makes the old one lose its buttons; leaving or
        restarting the check makes it say it was closed. `edited` is the message
        a button press is editing (a next step or the outcome: nothing to close).
        Once the check has ended its message is forgotten here, at once."""
        ref = state.get(CHECK_MESSAGE_KEY)
        current = state.get(CHECK_KEY)
        nonce = current.get("nonce") if isinstance(current, dict) else None
        if nonce is None:
            state.pop(CHECK_MESSAGE_KEY, None)
        if not isinstance(ref, dict) or ref.get("message") == edited:
            return None
        if nonce is not None and nonce == ref.get("nonce"):
            return (ref, None) if new_copy else None
        return ref, self.ui["check_closed"]

    def _remember_check_message(
        self, update: Update, context: Context, chat_id: int, sent: int | None
    ) -> None:
        """After a new check message was sent: it is the one to close later."""
        state = self._state(update, context)
        current = state.get(CHECK_KEY)
        if sent is not None and isinstance(current, dict):
            state[CHECK_MESSAGE_KEY] = {
                "nonce": current.get("nonce"),
                "chat": chat_id,
                "message": sent,
            }

    @staticmethod
    async def _close_check_message(context: Context, ref: dict[str, Any], text: str | None) -> None:
        """Remove an old check message's buttons, and with `text` replace what it says."""
        chat_id, message_id = ref.get("chat"), ref.get("message")
        if not isinstance(chat_id, int) or not isinstance(message_id, int):
            return
        try:
            if text is None:
                await context.bot.edit_message_reply_markup(chat_id, message_id, reply_markup=None)
            else:
                await context.bot.edit_message_text(text, chat_id, message_id)  # plain text
        except BadRequest as error:  # deleted, too old, already closed: nothing to do
            log.info("could not close an old check message (%s)", error.message)

    # -- commands -----------------------------------------------------------

    async def start(self, update: Update, context: Context) -> None:
        """/start, with an optional deep-link payload (an entry id or "check")."""
        payload = context.args[0] if context.args else None
        before = self._snapshot(context)
        state = self._state(update, context)
        self.brain.leave_check(state)
        reply = self.brain.welcome(state, payload)
        await self._save_if_changed(update, context, before)
        await self._reply(update, context, reply)
        if reply.kind == "answer":
            self._record(reply, "")  # a deep link to an entry counts as an answer

    async def menu(self, update: Update, context: Context) -> None:
        await self._leave_check(update, context)
        await self._reply(update, context, self.brain.menu())

    async def help(self, update: Update, context: Context) -> None:
        await self._reply(update, context, self.brain.help())

    async def about(self, update: Update, context: Context) -> None:
        await self._reply(update, context, self.brain.about())

    async def topics(self, update: Update, context: Context) -> None:
        await self._leave_check(update, context)
        await self._reply(update, context, self.brain.topics())

    async def _leave_check(self, update: Update, context: Context) -> None:
        """End a check in progress (menu, topics), on disk before the reply shows it."""
        before = self._snapshot(context)
        self.brain.leave_check(self._state(update, context))
        await self._save_if_changed(update, context, before)

    async def doctor(self, update: Update, context: Context) -> None:
        """/doctor: the check, in a private chat (elsewhere a button to one)."""
        reply = self.brain.start_check(self._state(update, context))
        if _is_private(update):
            await save_now(update, context)
        await self._reply(update, context, reply)

    async def cancel(self, update: Update, context: Context) -> None:
        before = self._snapshot(context)
        reply = self.brain.cancel_check(self._state(update, context))
        await self._save_if_changed(update, context, before)
        await self._reply(update, context, reply)

    def privacy_text(self) -> str:
        """/privacy, saying exactly what this deployment keeps."""
        if self.events is not None:
            stats = self.ui["privacy_stats_on"].replace("{days}", str(self.events.retention_days))
        else:
            stats = self.ui["privacy_stats_off"]
        return self.ui["privacy"].replace("{stats}", stats)

    async def privacy(self, update: Update, context: Context) -> None:
        await self._reply(update, context, self._simple("privacy", self.privacy_text()))

    async def forget(self, update: Update, context: Context) -> None:
        """/forget: delete everything kept about the user, in memory and on disk
        (on disk before the bot says it is done). A check's message left open
        is closed: its buttons would only say "expired"."""
        open_check = None
        if context.user_data is not None:
            open_check = context.user_data.get(CHECK_MESSAGE_KEY)
            context.user_data.clear()
        user = update.effective_user
        reply = self._simple("forgotten", self.ui["forgotten"])
        if user is not None:
            try:
                await forget_user(context, user.id)
            except StateNotSaved:  # logged where it failed; never say "Done" then
                reply = self._simple("forget-failed", self.ui["forget_failed"])
        await self._reply(update, context, reply)
        if isinstance(open_check, dict):
            await self._close_check_message(context, open_check, self.ui["check_closed"])

    async def ask(self, update: Update, context: Context) -> None:
        """/ask <question>: the way to ask in groups (works in private chats too)."""
        message, chat = update.effective_message, update.effective_chat
        if message is None or chat is None or message.text is None:
            return
        command = message.parse_entities([MessageEntity.BOT_COMMAND])
        first = min(command, key=lambda e: e.offset, default=None)
        question = message.text[len(command[first]) :] if first is not None else ""
        if not question.strip():
            if chat.type == ChatType.PRIVATE:
                reply = self.brain.help()
            else:
                reply = Reply((Section(self.ui["group_hint"]),), "group-hint")
            await self._reply(update, context, reply)
            return
        await self._ask_brain(update, context, question)

    def _is_admin(self, update: Update) -> bool:
        user = update.effective_user
        return user is not None and user.id in self.admins

    async def _refuse_operator_command(self, update: Update, context: Context) -> bool:
        """Whether to refuse /stats or /reload: outside a private chat (the report
        quotes what people asked) silently, to anyone but an admin as unknown."""
        if not _is_private(update):
            return True  # app.py registers them for private chats only; this is a backstop
        if not self._is_admin(update):
            await self.unknown_command(update, context)
            return True
        return False

    async def stats(self, update: Update, context: Context) -> None:
        """/stats [days] (admins, private chat): the operator's report for the last 7
        (or `days`) days."""
        if await self._refuse_operator_command(update, context):
            return
        days = _stats_days(context.args)
        if self.events is None:
            text = "Statistics are switched off (EVENTS_ENABLED=false)."
        elif days is None:
            text = f"Usage: /stats [days], a whole number from 1 to {MAX_STATS_DAYS} (default {STATS_DAYS})."
        else:
            now = time.time()
            summary = build_report(
                self.events, self.brain.matcher, self.brain.content, now - days * 86400, now
            )
            text = format_report(summary, limit=10)
        await self._reply(update, context, Reply((Section(text),), "stats"))

    async def reload(self, update: Update, context: Context) -> None:
        """/reload (admins, private chat): read faq.yaml again now."""
        if await self._refuse_operator_command(update, context):
            return
        text = "Hot reload is not configured." if self.reloader is None else ""
        if self.reloader is not None:
            result = self.reloader.poll(force=True)
            text = await self.apply(result) if result is not None else "faq.yaml is unchanged."
        await self._reply(update, context, Reply((Section(text),), "reload"))

    async def apply(self, result: ReloadResult) -> str:
        """Serve reloaded content; describe the outcome for the admins. The new
        brain is built in a thread (training takes a second or two, during which
        the bot goes on answering with the previous one)."""
        if not result.ok:
            log.error("faq.yaml was not reloaded: %s", result.error)
            return (
                f"faq.yaml was NOT reloaded; the previous content keeps serving.\n\n{result.error}"
            )
        try:
            brain = await asyncio.to_thread(Brain, result.content)
        except Exception as error:  # a bug, not the file: the file passed validation
            log.error(
                "faq.yaml was loaded but no bot could be built from it (%s); the previous"
                " content keeps serving",
                type(error).__name__,
                exc_info=error,
            )
            if self.reloader is not None:
                self.reloader.content = self.brain.content
            return (
                "faq.yaml was NOT reloaded (an error building the bot, see the log); "
                "the previous content keeps serving."
            )
        self.brain = brain
        log.info("faq.yaml reloaded: %d entries", len(result.content.entries))
        return f"faq.yaml reloaded: {len(result.content.entries)} entries."

    async def forget_abandoned_checks(self, context: Context) -> None:
        """Hourly: delete each check left unfinished for a day (doctor_check.KEPT_HOURS)
        with its message reference, from memory and from the disk."""
        app = context.application
        ended = []
        for uid, data in app.user_data.items():
            if self.brain.forget_ended_check(data):
                data.pop(CHECK_MESSAGE_KEY, None)
                ended.append(uid)
        if ended:
            app.mark_data_for_update_persistence(user_ids=ended)
            await app.update_persistence()
            log.info("deleted %d doctor check(s) left unfinished", len(ended))

    async def watch_content(self, context: Context) -> None:
        """Job: pick up faq.yaml changes; tell the admins either way."""
        if self.reloader is None:
            return
        result = self.reloader.poll()
        if result is None:
            return
        text = await self.apply(result)
        for admin in sorted(self.admins):
            try:
                await context.bot.send_message(
                    admin, render_text(Reply((Section(text),), "reload"))
                )
            except TelegramError as error:
                log.warning("could not tell admin about the reload: %s", error)

    async def unknown_command(self, update: Update, context: Context) -> None:
        """A command the bot does not know (or an admin command from someone else),
        in a private chat: say so briefly, with the menu."""
        await self._reply(update, context, self.brain.unknown_command())

    # -- messages -----------------------------------------------------------

    async def private_text(self, update: Update, context: Context) -> None:
        """Free text in a private chat is a question: a new, edited or forwarded
        message, or the caption of anything (a photo, a file, a voice message ...)."""
        message = update.effective_message
        if message is None:
            return
        text = message.text or message.caption
        if text is None:
            return
        if message.via_bot is not None and message.via_bot.id == context.bot.id:
            return  # an inline answer the user posted here: not a question
        await self._ask_brain(update, context, text)

    async def group_text(self, update: Update, context: Context) -> None:
        """In groups only replies to the bot and @mentions of it are questions
        (in a message's text or a caption, new or edited)."""
        message = update.effective_message
        if message is None:
            return
        text = message.text or message.caption
        if text is None:
            return
        if message.via_bot is not None and message.via_bot.id == context.bot.id:
            return
        replied = message.reply_to_message
        to_bot = (
            replied is not None
            and replied.from_user is not None
            and replied.from_user.id == context.bot.id
        )
        username = context.bot.username
        mention = f"@{username}".lower()
        mentions = (
            message.parse_entities([MessageEntity.MENTION])
            if message.text is not None
            else message.parse_caption_entities([MessageEntity.MENTION])
        )
        mentioned = any(value.lower() == mention for value in mentions.values())
        if not (to_bot or mentioned):
            return  # chatter between people
        if mentioned:
            text = re.sub(re.escape(mention) + r"\b", " ", text, flags=re.IGNORECASE)
        await self._ask_brain(update, context, text)

    async def unsupported(self, update: Update, context: Context) -> None:
        """Stickers, photos, voice, locations, files ... in a private chat."""
        await self._reply(update, context, self._simple("unsupported", self.ui["unsupported"]))

    # -- buttons ------------------------------------------------------------

    async def button(self, update: Update, context: Context) -> None:
        """An inline button: answer the query at once, then edit or send the reply."""
        query = update.callback_query
        if query is None:
            return
        state = self._state(update, context)
        data = query.data
        if data and not isinstance(decode(data), Feedback) and not self.taps.first_tap(_tap(query)):
            await self._answer(query, None)  # a double tap: the first one is answered
            return
        before = self._snapshot(context)
        reply = self.brain.on_button(state, data) if data else self.brain.expired()
        await self._save_if_changed(update, context, before)
        message = query.message
        if reply.kind in {"feedback-up", "feedback-down"}:
            key: MessageKey = (
                (message.chat.id, message.message_id)
                if message is not None
                else query.inline_message_id or query.id
            )
            if not self.voted.first_vote(key):
                # A second tap (often before the first vote's edit landed): thank
                # again, count nothing, send nothing.
                await self._answer(query, self.ui["feedback_already"])
                return
            await self._answer(query, reply.toast)
            self._vote(reply)
            if isinstance(message, Message):
                await self._drop_feedback_buttons(query, message)
        else:
            toast = self.ui["expired_short"] if reply.kind == "expired" else reply.toast
            await self._answer(query, toast)
            if reply.kind == "answer":
                self._record(reply, "")  # an answer opened by a button counts as one
        if message is None or not reply.sections:
            return  # inline-mode message (no chat to write to), or a toast is all there is
        if reply.kind == "expired" and message.chat.type != ChatType.PRIVATE:
            return  # someone else's or an old button in a group: the toast says it, quietly
        stale = await self._take_stale_check_message(
            update, context, reply.kind == "check", edited=message.message_id
        )
        if reply.edit and isinstance(message, Message):
            try:
                text, markup = render(self._for_chat(reply, message.chat))
                await query.edit_message_text(text, reply_markup=markup)
                if stale is not None:
                    await self._close_check_message(context, *stale)
                    # An older copy now shows the check (a stale button pressed):
                    # it is the live one.
                    if reply.kind == "check":
                        self._remember_check_message(
                            update, context, message.chat.id, message.message_id
                        )
                return
            except BadRequest as error:
                if _is_not_modified(error):
                    return  # a double tap: the message already shows this
                log.info("could not edit the message (%s); sending a new one", error.message)
        sent = await self._send(context, message.chat, replace(reply, edit=False))
        self._remember_check_message(update, context, message.chat.id, sent)
        if stale is not None:
            await self._close_check_message(context, *stale)

    @staticmethod
    async def _drop_feedback_buttons(query: CallbackQuery, message: Message) -> None:
        """One vote per answer: the 👍/👎 row goes once it is used."""
        markup = message.reply_markup
        if markup is None:
            return
        rows = [
            [b for b in row if not isinstance(decode(str(b.callback_data or "")), Feedback)]
            for row in markup.inline_keyboard
        ]
        kept = [row for row in rows if row]
        try:
            await query.edit_message_reply_markup(InlineKeyboardMarkup(kept) if kept else None)
        except BadRequest as error:
            if not _is_not_modified(error):
                log.info("could not remove the feedback buttons (%s)", error.message)

    @staticmethod
    async def _answer(query: CallbackQuery, text: str | None) -> None:
        try:
            await query.answer(text)
        except BadRequest as error:  # "query is too old": the user waited too long
            log.info("could not answer a button press (%s)", error.message)

    # -- membership ---------------------------------------------------------

    async def membership(self, update: Update, context: Context) -> None:
        """The bot was blocked (or unblocked) in a private chat, or left a group."""
        change = update.my_chat_member
        if change is None:
            return
        status = change.new_chat_member.status
        if change.chat.type == ChatType.PRIVATE:
            if status in {ChatMemberStatus.BANNED, ChatMemberStatus.LEFT}:
                await forget_user(context, change.from_user.id)
                log.info("a user blocked the bot; their check in progress (if any) was deleted")
        elif status in {ChatMemberStatus.BANNED, ChatMemberStatus.LEFT}:
            log.info("the bot was removed from a group")

    async def apologise(self, update: object, context: Context) -> None:
        """After a bug in our own code: tell the person, instead of leaving them waiting."""
        if not isinstance(update, Update) or update.effective_chat is None:
            return
        chat = update.effective_chat
        if chat.type != ChatType.PRIVATE:
            return
        try:
            await self._send(context, chat, self._simple("error", self.ui["error"]))
        except TelegramError as error:
            log.warning("could not send the apology: %s", error)

    # -- inline mode --------------------------------------------------------

    async def inline(self, update: Update, context: Context) -> None:
        """@bot <question> in any chat: the best matching entries as ready answers."""
        query = update.inline_query
        if query is None:
            return
        results = self.inline_results(query.query)
        try:
            await query.answer(
                results[: InlineQueryLimit.RESULTS],
                cache_time=INLINE_CACHE_SECONDS,
                is_personal=False,
                button=InlineQueryResultsButton(
                    self.ui["inline_open_bot"], start_parameter=INLINE_START_PAYLOAD
                ),
            )
        except BadRequest as error:
            if not _query_expired(error):
                raise  # a result Telegram refused: a bug, for on_error
            log.info("could not answer an inline query (%s)", error.message)

    def inline_results(self, text: str) -> list[InlineQueryResultArticle]:
        content = self.brain.content
        if not text.strip():
            return [self._entry_article(e) for e in content.entries]
        # A fresh state: inline mode never touches the user's doctor check.
        reply = self.brain.on_text({}, text)
        if reply.kind == "emergency":
            # The advice alone: "browse the topics" below it would point at
            # buttons an inline message does not carry.
            advice = replace(reply, sections=reply.sections[:1], buttons=())
            return [
                InlineQueryResultArticle(
                    "emergency",
                    self.ui["inline_emergency_title"],
                    self._message_content(advice),
                    description=_one_line(reply.sections[0].text, INLINE_DESCRIPTION_CHARS),
                )
            ]
        if reply.kind in {"answer", "clarify"} and reply.candidates:
            ids = [i for i in dict.fromkeys(reply.candidates) if i in content.by_id]
            return [self._entry_article(content.by_id[i]) for i in ids]
        return [self._entry_article(e) for e in content.entries]

    def _entry_article(self, entry: Entry) -> InlineQueryResultArticle:
        return InlineQueryResultArticle(
            entry.id,
            entry.question,
            self._message_content(self.brain.entry_reply(entry)),
            description=_one_line(entry.answer, INLINE_DESCRIPTION_CHARS),
        )

    @staticmethod
    def _message_content(reply: Reply) -> InputTextMessageContent:
        return InputTextMessageContent(render_text(reply))


# -- durable state --------------------------------------------------------------


# The persistence is called directly: Application.update_persistence() hands a
# failed write to the error handlers and returns as if it had worked.


async def save_now(update: Update, context: Context) -> None:
    """Write the user's state to disk now (persistence.py writes only what changed);
    StateNotSaved if it could not be written."""
    user, persistence = update.effective_user, context.application.persistence
    if user is not None and persistence is not None:
        await persistence.update_user_data(user.id, context.user_data or {})


async def forget_user(context: Context, user_id: int) -> None:
    """Delete the user's state in memory and on disk, before anything is said about it;
    StateNotSaved if the disk could not be changed."""
    context.application.drop_user_data(user_id)
    if context.application.persistence is not None:
        await context.application.persistence.drop_user_data(user_id)


# -- errors -------------------------------------------------------------------

_UPDATE_KINDS = ("message", "edited_message", "callback_query", "inline_query", "my_chat_member")


def _describe(update: object) -> str:
    """The update's id and kind, never its content."""
    if not isinstance(update, Update):
        return "no update" if update is None else type(update).__name__
    kinds = [k for k in _UPDATE_KINDS if getattr(update, k, None) is not None]
    return f"update {update.update_id} ({kinds[0] if kinds else 'other'})"


# BadRequest descriptions that mean the chat is gone, not that the bot sent something wrong.
_CHAT_GONE = ("chat not found", "user is deactivated", "bot was kicked", "chat was deleted")


def _chat_gone(error: BadRequest) -> bool:
    return any(reason in error.message.lower() for reason in _CHAT_GONE)


async def on_error(update: object, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Log what went wrong in one line (never what the user wrote) and keep running.

    Nothing is retried here: sends were already retried where that makes sense
    (resilience.py); a blocked bot or a deleted chat is not retried at all.
    """
    error: Any = context.error
    where = _describe(update)
    if isinstance(error, Forbidden) or (isinstance(error, BadRequest) and _chat_gone(error)):
        log.warning("%s: the chat cannot be reached (%s); not retried", where, error.message)
        chat = update.effective_chat if isinstance(update, Update) else None
        user = update.effective_user if isinstance(update, Update) else None
        if chat is not None and chat.type == ChatType.PRIVATE and user is not None:
            with contextlib.suppress(StateNotSaved):  # logged where it failed
                await forget_user(context, user.id)  # a check nobody can continue
    elif isinstance(error, StateNotSaved):
        pass  # logged at ERROR where the write failed; the user gets the apology
    elif isinstance(error, RetryAfter):
        log.warning("%s: Telegram's flood limit still hit after retries; reply dropped", where)
    elif isinstance(error, NetworkError) and not isinstance(error, BadRequest):
        log.warning(
            "%s: network problem talking to Telegram, gave up: %s", where, describe_failure(error)
        )
    else:
        log.error("%s: unhandled %s", where, type(error).__name__, exc_info=error)
