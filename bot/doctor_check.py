"""The guided "should I see a doctor?" check as a pure state machine.

The state is a small JSON-friendly dict kept only while the check runs:
`{"nonce": "a1b2c3", "flow": "9f8e7d6c", "path": ["emergency-signs", "heart"]}`.
The path is the steps answered so far plus the current one, which is what Back
needs. The nonce ties buttons to one run, so a button from an earlier run or an
earlier step is recognised as expired instead of being acted on. The flow is a
fingerprint of the questions and options the run began with: a button carries
an option's number, and after faq.yaml reorders a step's options the same number
is another answer ("Yes" to the emergency signs read as "No"), so a run begun
under other questions is expired too. The hour the run began (hours since the
epoch, nothing finer) lets a run left unfinished be deleted after KEPT_HOURS.
"""

from __future__ import annotations

import hashlib
import secrets
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from bot.content import DoctorCheck, Outcome, Step

CheckState = dict[str, Any]
# A run left unfinished this many hours is deleted (the privacy notice says a day).
KEPT_HOURS = 24


class StaleButton(Exception):
    """A button that does not belong to the current step of the current run."""


@dataclass(frozen=True)
class Advance:
    """The result of choosing an option: the next step, or an outcome."""

    step: Step | None
    outcome: Outcome | None


class DoctorCheckFlow:
    def __init__(self, flow: DoctorCheck, clock: Callable[[], float] = time.time) -> None:
        self.flow = flow
        self._clock = clock
        asked = [
            (s.id, s.question, [(o.label, o.next, o.outcome) for o in s.options])
            for s in flow.steps.values()
        ]
        self.fingerprint = hashlib.sha256(repr((flow.start, asked)).encode()).hexdigest()[:8]
        # The most questions a person can be asked ("Question 2 of up to 8").
        self.most_steps = max((len(choices) for choices, _ in self.paths()), default=0)

    def _hour(self) -> int:
        return int(self._clock() // 3600)

    def begin(self) -> CheckState:
        return {
            "nonce": secrets.token_hex(3),
            "flow": self.fingerprint,
            "hour": self._hour(),
            "path": [self.flow.start],
        }

    def is_valid(self, state: Any) -> bool:
        """State read back from storage may be old, left unfinished for more than
        KEPT_HOURS, or from a previous faq.yaml."""
        return (
            isinstance(state, dict)
            and isinstance(state.get("nonce"), str)
            and state.get("flow") == self.fingerprint
            and isinstance(state.get("hour"), int)
            and 0 <= self._hour() - state["hour"] < KEPT_HOURS
            and isinstance(state.get("path"), list)
            and bool(state["path"])
            and all(isinstance(s, str) and s in self.flow.steps for s in state["path"])
        )

    def current(self, state: CheckState) -> Step:
        return self.flow.steps[state["path"][-1]]

    def depth(self, state: CheckState) -> int:
        return len(state["path"]) - 1

    def verify(self, state: CheckState, nonce: str, depth: int) -> None:
        if state["nonce"] != nonce or self.depth(state) != depth:
            raise StaleButton

    def choose(self, state: CheckState, option: int) -> Advance:
        """Apply an option of the current step; the state moves to the next step."""
        step = self.current(state)
        if not 0 <= option < len(step.options):
            raise StaleButton
        chosen = step.options[option]
        if chosen.outcome is not None:
            return Advance(None, self.flow.outcomes[chosen.outcome])
        assert chosen.next is not None  # the loader guarantees one of the two
        state["path"].append(chosen.next)
        return Advance(self.flow.steps[chosen.next], None)

    def back(self, state: CheckState) -> Step:
        if len(state["path"]) > 1:
            state["path"].pop()
        return self.current(state)

    def paths(self) -> list[tuple[list[tuple[str, int]], str]]:
        """Every path through the flow as (step id, option index) choices and its outcome."""
        out: list[tuple[list[tuple[str, int]], str]] = []

        def walk(step_id: str, trail: list[tuple[str, int]]) -> None:
            for i, opt in enumerate(self.flow.steps[step_id].options):
                here = [*trail, (step_id, i)]
                if opt.outcome is not None:
                    out.append((here, opt.outcome))
                elif opt.next is not None:
                    walk(opt.next, here)

        walk(self.flow.start, [])
        return out
