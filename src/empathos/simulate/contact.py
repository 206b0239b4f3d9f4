"""One contact, from arrival to outcome: the SimPy process and the story it writes.

Arrival → (self-service bot → hand-off) → routing and waiting → served by an employee
(empathy per their style, resolution per their competence and skills) → maybe a transfer
→ the end. The customer's emotional state moves at every step by the documented effect
sizes; the remembered (peak–end) score and the effort of the whole contact then drive the
true churn probability, the survey answers and the re-contact.
"""

from __future__ import annotations

import math
import random
from collections.abc import Generator
from typing import Any

import simpy

from empathos.act.routing import ContactRequest
from empathos.simulate import outcomes as O
from empathos.simulate import text as T
from empathos.simulate.config import BOT_RESOLUTION, RESOLUTION_BASE, EffectSizes
from empathos.simulate.conversation import Conversation
from empathos.simulate.emotion import EmotionState, clamp, peak_end, wait_shift
from empathos.simulate.population import MEAN_HANDLE_MIN, PATIENCE_MIN, SimCustomer, SimEmployee
from empathos.simulate.protocols import ContactCentre

NEED_VALENCE: dict[str, float] = {
    "billing": -0.15,
    "technical": -0.2,
    "sales": 0.1,
    "complaint": -0.4,
    "cancellation": -0.25,
    "delivery": -0.15,
    "account": -0.1,
}
"""Starting valence shift per need (a complaint starts angrier than a sales question)."""
NEED_AROUSAL: dict[str, float] = {
    "billing": 0.1,
    "technical": 0.1,
    "sales": 0.0,
    "complaint": 0.25,
    "cancellation": 0.05,
    "delivery": 0.1,
    "account": 0.1,
}
LIVE_CHANNELS = frozenset({"voice", "chat", "self_service"})
"""Channels where the customer speaks once connected (email/social write first, then wait)."""
MAX_TRANSFERS = 2
AFTER_HOURS: dict[str, str] = {
    "voice": "email",
    "chat": "self_service",
    "self_service": "self_service",
}


def initial_state(
    cust: SimCustomer, need: str, attempt: int, eff: EffectSizes, rng: random.Random
) -> EmotionState:
    """The customer's state on arrival: temperament + need + journey memory + re-contacts."""
    v = (
        cust.temperament
        + NEED_VALENCE.get(need, -0.2)
        + 0.35 * cust.memory
        + eff.recontact_valence * attempt
    )
    a = cust.arousal_base + NEED_AROUSAL.get(need, 0.1) + 0.08 * attempt + rng.gauss(0.0, 0.08)
    return EmotionState(clamp(v + rng.gauss(0.0, 0.12), -1.0, 1.0), clamp(a, 0.0, 1.0))


def choose_mechanisms(
    emp: SimEmployee, rng: random.Random, valence: float, eff: EffectSizes
) -> tuple[tuple[int, int, int], bool]:
    """Mechanism levels (ER, IP, EX) of one reply per the employee's style, and whether they
    fall back to a sympathy-only phrase. Stress lowers empathy (burnout); a customer who is
    already positive gets less of it."""
    scale = max(0.2, 1.0 - eff.stress_empathy_drop * emp.stress) * (1.0 if valence < 0.1 else 0.35)

    def level(p: float) -> int:
        if rng.random() >= p * scale:
            return 0
        return 2 if rng.random() < emp.p_strong else 1

    levels = (level(emp.p_er), level(emp.p_ip), level(emp.p_ex))
    sympathy = not any(levels) and rng.random() < emp.p_sym
    return levels, sympathy


def apply_empathy(
    st: EmotionState, levels: tuple[int, int, int], sympathy: bool, eff: EffectSizes
) -> None:
    """Empathic replies lift a negative customer and calm them; sympathy alone does little."""
    if st.valence < 0.1:
        w = eff.empathy_valence_per_level
        dv = (
            w["emotional_reaction"] * levels[0]
            + w["interpretation"] * levels[1]
            + w["exploration"] * levels[2]
        )
        if sympathy:
            dv += eff.sympathy_only_valence
        st.shift(dv, eff.empathy_arousal_per_level * sum(levels))


def resolution_probability(emp: SimEmployee, need: str, eff: EffectSizes) -> float:
    c = eff.competence_resolution
    p = RESOLUTION_BASE.get(need, 0.75) * (1 - c + c * emp.competence)
    if need not in emp.skills:
        p *= eff.unskilled_resolution_factor
    return p


def contact_process(
    sim: ContactCentre, cust: SimCustomer, need: str, channel: str, attempt: int
) -> Generator[simpy.Event, Any, None]:
    """The whole life of one contact (a SimPy process)."""
    env, rng, eff, tally = sim.env, sim.rng, sim.eff, sim.tally
    t0 = env.now
    iid = sim.next_id("c")
    lang = cust.language
    amount = round(rng.gammavariate(3.0, cust.spend_mean / 3.0), 2)
    conv = Conversation(
        iid,
        cust.customer_id,
        lang,
        need,
        T.make_slots(rng, lang, sim.clock.at(t0), cust.product_idx, amount),
        sim.clock,
    )
    st = initial_state(cust, need, attempt, eff, rng)
    started_in = channel
    if channel in LIVE_CHANNELS and not sim.is_open(t0):
        channel = AFTER_HOURS[channel]  # closed: calls leave a callback ticket, chats meet the bot
    req = ContactRequest(
        contact_id=iid,
        customer_id=cust.customer_id,
        channel=channel,
        need=need,
        language=lang,
        segment=cust.segment,
        pod_id=cust.pod_id,
        valence=st.valence,
        intensity=st.intensity,
        value=cust.spend_mean,
        attempt=attempt,
        emotion=conv.emotion_now(st),
    )
    transfers = 0
    waited_total = 0.0
    served_by: list[str] = []
    resolved = abandoned = bot_handoff = False
    opened = False

    if channel == "self_service":
        sim.state.now = t0
        if sim.policy.route(req, sim.state).to_automation:
            conv.bot(t0, T.employee_line(rng, lang, "bot_greet", conv.slots))
            conv.say_opening(rng, t0 + 0.3, st, 0.0, 99.0)
            conv.bot(t0 + 0.8, T.bot_attempt(rng, lang, need, conv.slots))
            opened = True
            yield env.timeout(2.0)
            if rng.random() < BOT_RESOLUTION.get(need, 0.2):
                st.shift(eff.resolved_valence * 0.8, -0.2)
                resolved = True
                tally.bot_resolved += 1
                conv.say_end(rng, env.now, st, True)
            else:
                st.shift(eff.bot_handoff_valence, 0.08)
                conv.say_ask_human(rng, env.now, st)
                conv.bot(env.now + 0.1, T.employee_line(rng, lang, "bot_handoff", conv.slots))
                bot_handoff = True
                tally.bot_handoffs += 1
                channel = "chat" if sim.is_open(env.now) else "email"
        req.bot_tried = True
        if channel == "self_service":
            channel = "chat" if sim.is_open(env.now) else "email"
        req.channel = channel

    if not opened and channel not in LIVE_CHANNELS:  # email/social: written before the wait
        conv.say_opening(rng, t0, st, 0.0, 99.0)
        opened = True

    while not resolved:
        req.valence, req.intensity, req.transfers = st.valence, st.intensity, transfers
        req.emotion = conv.emotion_now(st)
        patience = (
            rng.expovariate(1.0 / PATIENCE_MIN[channel])
            * cust.patience
            * (0.6 if transfers else 1.0)
        )
        eid, waited = yield from sim.acquire(req, patience)
        waited_total += waited
        st.shift(
            wait_shift(waited, eff.wait_valence_per_log_min, eff.wait_valence_cap),
            min(0.4, eff.wait_arousal_per_log_min * _log1p(waited)),
        )
        if eid is None:
            abandoned = True
            _abandon(sim, conv, st, channel, opened, waited, rng)
            break
        emp = sim.employees[eid]
        served_by.append(eid)
        handle = (
            rng.lognormvariate(0.0, 0.35) * MEAN_HANDLE_MIN[channel] * (1.25 - 0.5 * emp.competence)
        )
        outcome = _serve(sim, conv, st, emp, cust, waited, opened, transfers > 0, handle)
        opened = True
        yield env.timeout(handle)
        emp.handled += 1
        sim.release(eid)
        if outcome == "transfer" and transfers < MAX_TRANSFERS:
            transfers += 1
            tally.transfers += 1
            st.shift(eff.transfer_valence, 0.08)
            req.exclude_employee_ids = (eid,)
            continue
        resolved = outcome == "resolved"
        _close(conv, st, emp, resolved, env.now, handle, rng, lang)
        break

    outcome = _finish(
        sim,
        cust,
        conv,
        need,
        started_in,
        channel,
        attempt,
        t0,
        waited_total,
        transfers,
        served_by,
        resolved,
        abandoned,
        bot_handoff,
    )
    if sim.learn_hook is not None and outcome is not None:
        sim.learn_hook(req, tuple(served_by), outcome)  # the contact's outcome closes the loop


def _log1p(x: float) -> float:
    return math.log1p(max(0.0, x))


def _abandon(
    sim: ContactCentre,
    conv: Conversation,
    st: EmotionState,
    channel: str,
    opened: bool,
    waited: float,
    rng: random.Random,
) -> None:
    """The customer gave up waiting: what they said (if anything) and the system's line."""
    now = sim.env.now
    lang = conv.language
    if not opened:
        conv.say_opening(rng, now - waited, st, 0.0, 99.0)
    if channel != "email":
        conv.bot(now - waited + 0.1, T.employee_line(rng, lang, "busy", conv.slots))
    if channel in ("chat", "social", "self_service"):
        conv.say_reply(rng, now, st, detail=False)


def _serve(
    sim: ContactCentre,
    conv: Conversation,
    st: EmotionState,
    emp: SimEmployee,
    cust: SimCustomer,
    waited: float,
    opened: bool,
    after_transfer: bool,
    handle: float,
) -> str:
    """One employee's part of the conversation, decided at once, its turns time-stamped over
    the first 3/4 of the handling time. Returns ``resolved``, ``unresolved`` or ``transfer``."""
    rng, eff = sim.rng, sim.eff
    now = sim.env.now
    lang = conv.language
    agent_lang = (
        lang if lang in emp.languages else ("en" if "en" in emp.languages else emp.languages[0])
    )
    if agent_lang != lang:
        st.shift(eff.language_mismatch_valence, 0.05)
        sim.tally.language_mismatch += 1
    conv.slots.agent = emp.name.split(" ")[0]
    agent_slots = (
        conv.slots
        if agent_lang == lang
        else T.make_slots(rng, agent_lang, sim.clock.at(now), cust.product_idx, 10.0)
    )
    agent_slots.agent = conv.slots.agent
    if after_transfer:
        conv.say_transferred(rng, now, st)
    elif not opened:
        conv.say_opening(rng, now, st, waited, 2.0)
    levels, sympathy = choose_mechanisms(emp, rng, st.valence, eff)
    conv.employee(
        now + 0.1 * handle,
        T.employee_empathy(rng, agent_lang, levels, sympathy, agent_slots, conv.need, greet=True),
        emp.employee_id,
        levels,
        sympathy,
    )
    apply_empathy(st, levels, sympathy, eff)
    conv.say_reply(rng, now + 0.3 * handle, st, detail=rng.random() < 0.7)
    if conv.need not in emp.skills and rng.random() < eff.unskilled_transfer_prob:
        conv.employee(
            now + 0.5 * handle,
            T.employee_line(rng, agent_lang, "transfer", agent_slots),
            emp.employee_id,
        )
        return "transfer"
    resolved = rng.random() < resolution_probability(emp, conv.need, eff)
    levels2, sympathy2 = (
        choose_mechanisms(emp, rng, st.valence, eff) if not resolved else ((0, 0, 0), False)
    )
    reply = T.employee_resolution(rng, agent_lang, conv.need, resolved, agent_slots)
    if any(levels2) or sympathy2:
        empathy = T.employee_empathy(
            rng, agent_lang, levels2, sympathy2, agent_slots, conv.need, greet=False
        )
        reply = f"{empathy} {reply}"
    conv.employee(now + 0.55 * handle, reply, emp.employee_id, levels2, sympathy2)
    apply_empathy(st, levels2, sympathy2, eff)
    if resolved:
        st.shift(eff.resolved_valence, -0.2)
        return "resolved"
    st.shift(eff.unresolved_valence, 0.1)
    if rng.random() < 0.15 * (1.0 - emp.competence) + 0.05:
        conv.employee(
            now + 0.75 * handle,
            T.employee_line(rng, agent_lang, "transfer", agent_slots),
            emp.employee_id,
        )
        return "transfer"
    return "unresolved"


def _close(
    conv: Conversation,
    st: EmotionState,
    emp: SimEmployee,
    resolved: bool,
    now: float,
    handle: float,
    rng: random.Random,
    lang: str,
) -> None:
    """The ending: the customer reacts, the employee closes, the customer's last words."""
    agent_lang = (
        lang if lang in emp.languages else ("en" if "en" in emp.languages else emp.languages[0])
    )
    slots = conv.slots
    conv.say_reply(rng, now - 0.12 * handle, st, detail=False)
    conv.employee(
        now - 0.06 * handle, T.employee_line(rng, agent_lang, "close", slots), emp.employee_id
    )
    conv.say_end(rng, now, st, resolved)


def _finish(
    sim: ContactCentre,
    cust: SimCustomer,
    conv: Conversation,
    need: str,
    started_in: str,
    channel: str,
    attempt: int,
    t0: float,
    waited: float,
    transfers: int,
    served_by: list[str],
    resolved: bool,
    abandoned: bool,
    bot_handoff: bool,
) -> dict[str, float] | None:
    """Write the interaction, its truth and outcomes; update the customer's journey, the
    employees' load; decide churn and re-contact. Returns the contact's true outcome for a
    learning policy (``None`` when the policy does not learn)."""
    env, rng, eff, cfg, w, tally = sim.env, sim.rng, sim.eff, sim.config, sim.writer, sim.tally
    now = env.now
    iid = conv.interaction_id
    cust_id = cust.customer_id
    last_emp = served_by[-1] if served_by else None
    attributes: dict[str, Any] = {
        "transfers": transfers,
        "wait_seconds": int(waited * 60),
        "abandoned": abandoned,
        "attempt": attempt,
    }
    if started_in != channel:
        attributes["started_in"] = started_in
    if len(served_by) > 1:
        attributes["employees"] = served_by
    w.write(
        "interactions",
        {
            "interaction_id": iid,
            "customer_id": cust_id,
            "channel": channel,
            "started_at": sim.clock.iso(t0),
            "ended_at": sim.clock.iso(now),
            "employee_id": last_emp,
            "queue": need,
            "need": need,
            "source": "simulated",
            "attributes": attributes,
            "turns": conv.turns,
        },
    )
    counter = sim.utterances
    for turn in conv.turns:
        counter.add(f"{conv.language}:{turn['speaker']}", turn["text"])

    experienced = sum(conv.valences) / len(conv.valences) if conv.valences else 0.0
    peak, end, remembered = peak_end(
        conv.valences, conv.intensities, eff.peak_weight, eff.end_weight
    )
    effort = O.effort_score(transfers, attempt, bot_handoff, waited, abandoned)
    memory_before = cust.memory
    p_churn = O.churn_probability(eff, need, remembered, effort, memory_before)
    if cfg.write_truth_interactions:
        w.write(
            "truth_interactions",
            {
                "interaction_id": iid,
                "customer_id": cust_id,
                "language": conv.language,
                "experienced": round(experienced, 4),
                "peak": peak,
                "end": end,
                "remembered": round(remembered, 4),
                "effort": round(effort, 3),
                "resolved": resolved,
                "churn_probability": round(p_churn, 5),
                "turns": conv.truth_turns,
            },
        )

    tally.contacts += 1
    tally.by_channel[channel] = tally.by_channel.get(channel, 0) + 1
    tally.wait_sum += waited
    if channel in ("voice", "chat"):
        tally.live_wait_sum += waited
        tally.live_contacts += 1
    tally.abandoned += abandoned
    tally.resolved += resolved
    cust.n_contacts += 1
    cust.sum_remembered += remembered
    cust.sum_experienced += experienced
    cust.sum_effort += effort
    cust.last_churn_prob = p_churn
    cust.sum_churn_prob += p_churn
    cust.memory = O.update_memory(eff, cust.memory, remembered)

    load = O.emotional_load(conv.valences, conv.intensities) / max(1, len(served_by))
    for eid in served_by:
        emp = sim.employees[eid]
        emp.load_today += load
        emp.total_load += load

    if not abandoned:
        w.write(
            "outcomes",
            _outcome(sim, "resolved", 1.0 if resolved else 0.0, now + 1, iid, cust_id, last_emp),
        )
        if rng.random() < cfg.survey_rate:
            w.write(
                "outcomes",
                _outcome(
                    sim,
                    "csat",
                    float(O.csat(eff, rng, remembered)),
                    now + 30,
                    iid,
                    cust_id,
                    last_emp,
                ),
            )
            if rng.random() < 0.5:
                w.write(
                    "outcomes",
                    _outcome(
                        sim,
                        "nps",
                        float(O.nps(eff, rng, remembered, cust.memory)),
                        now + 31,
                        iid,
                        cust_id,
                        last_emp,
                    ),
                )

    outcome = (
        None
        if sim.learn_hook is None
        else {
            "remembered": remembered,
            "experienced": experienced,
            "peak": peak,
            "end": end,
            "start": conv.valences[0] if conv.valences else 0.0,
            "effort": effort,
            "resolved": float(resolved),
            "abandoned": float(abandoned),
            "transfers": float(transfers),
            "churn_probability": p_churn,
        }
    )
    if cust.alive and not cust.churn_pending and rng.random() < p_churn:
        cust.churn_pending = True
        cust.churn_trigger = iid
        delay = (
            0.0
            if need == "cancellation" and resolved
            else rng.expovariate(1.0 / eff.churn_delay_days) * 1440.0
        )
        env.process(sim.churn_later(cust, delay))
        return outcome
    if (abandoned or not resolved) and rng.random() < cfg.recontact_prob:
        delay = rng.expovariate(1.0 / (0.15 if abandoned else 1.0)) * 1440.0
        ch = channel if rng.random() < 0.6 else ("voice" if channel != "voice" else "chat")
        env.process(sim.later_contact(delay, cust, need, ch, attempt + 1))
    return outcome


def _outcome(
    sim: ContactCentre,
    kind: str,
    value: float,
    ts: float,
    iid: str,
    cust_id: str,
    emp_id: str | None,
) -> dict[str, Any]:
    return {
        "outcome_id": sim.next_id("o"),
        "kind": kind,
        "value": value,
        "ts": sim.clock.iso(ts),
        "interaction_id": iid,
        "customer_id": cust_id,
        "employee_id": emp_id,
        "source": "simulated",
    }
