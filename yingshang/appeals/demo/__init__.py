"""Demo appeals for 示例市: about 150 (76 different matters across 26 departments) over the past two quarters, in every state, with returns,
extensions, reopenings, duplicates and follow-ups, and a wave of six about one park's power cuts in the last
fortnight (a current hotspot). Texts are written for the demo. Built through the
services with the clock set back to when each step happened."""

from __future__ import annotations

import random
from datetime import datetime, timedelta
from typing import Any

from django.utils import timezone

from yingshang.core.credit_code import check_character
from yingshang.org import services as org_services
from yingshang.org.demo import DEMO_PASSWORD
from yingshang.org.demo.history import as_of, department_liaison
from yingshang.routing import services as routing_services
from yingshang.workdays.calendar import is_workday

from .. import services
from ..models import Appeal, SourceSystem
from .texts import DISTRICTS, ENTERPRISES, PARKS, SURNAMES, TEMPLATES, WAVE


def credit_code_for(n: int) -> str:
    first17 = f"91370100MA{n:07d}"
    return first17 + check_character(first17)


def _office_time(rng: random.Random, day: datetime, hour_from: int = 9, hour_to: int = 16) -> datetime:
    while not is_workday(day.date()):
        day += timedelta(days=1)
    return day.replace(hour=rng.randint(hour_from, hour_to), minute=rng.choice([5, 12, 20, 33, 41, 50]))


def _next_office_moment(rng: random.Random, moment: datetime) -> datetime:
    """`moment` itself when it falls in office hours on a working day, else a time on the next one."""
    if is_workday(moment.date()) and 9 <= moment.hour < 17:
        return moment
    day = (moment + timedelta(days=1)) if moment.hour >= 17 else moment
    day = day.replace(hour=0, minute=0)
    return _office_time(rng, day)


def seed(ctx: dict[str, Any]) -> None:
    rng = random.Random(2026)
    departments = ctx["departments"]
    users = ctx["users"]
    office = users["office"]
    handlers = {code: department_liaison(ctx, code) for code in {t[1] for t in TEMPLATES} | {"SCJ", "ZJJ"}}
    hotline_account = org_services.user_create(
        actor=None,
        username="hotline12345",
        password=DEMO_PASSWORD + "-hotline",
        real_name="12345热线接口",
        roles=set(),
        must_change_password=False,
    )
    hotline = SourceSystem.objects.create(
        code="12345", name="示例市12345政务服务便民热线", account=hotline_account
    )
    enterprises = [ctx["enterprise"]]
    for n, name in enumerate(ENTERPRISES[:6], start=1):
        enterprises.append(
            org_services.enterprise_create(actor=None, credit_code=credit_code_for(n), name=name)
        )
    enterprise_user = users["enterprise"]

    now = timezone.localtime()
    start = now - timedelta(days=178)
    total = 150
    created: list[Appeal] = []
    for i in range(total):
        category, dept_code, title, description, reply = TEMPLATES[i % len(TEMPLATES)]
        received = _office_time(rng, start + timedelta(days=i * 176 / total), 8, 18)
        if received > now - timedelta(hours=2):
            received = now - timedelta(hours=rng.randint(2, 20))
        park, district = rng.choice(PARKS), rng.choice(DISTRICTS)
        text = description.format(park=park, district=district)
        is_own = i % 9 == 0
        ent_index = rng.randrange(len(ENTERPRISES))
        data = {
            "enterprise_name": ENTERPRISES[ent_index],
            "credit_code": credit_code_for(ent_index + 1),
            "contact_name": rng.choice(SURNAMES) + rng.choice(["经理", "女士", "先生", "主任"]),
            "contact_phone": f"13{rng.randint(0, 9)}{rng.randint(10000000, 99999999)}",
            "category": category,
            "urgent": rng.random() < 0.05,
            "title": title,
            "description": text,
        }
        repeat = i > 20 and rng.random() < 0.05 and created
        if repeat:
            # The same enterprise writes again about the same matter a few days later.
            first = created[-rng.randint(1, min(5, len(created)))]
            data.update(
                enterprise_name=first.enterprise_name,
                credit_code=first.credit_code,
                contact_phone=first.contact_phone,
                category=first.category,
                title=first.title,
                description=first.description + "此前已反映过，至今没有结果，再次反映。",
            )
        with as_of(received):
            if is_own and not repeat:
                appeal = services.appeal_submit(actor=enterprise_user, data=data, index_now=True)
            elif i % 4 == 1 and not repeat:
                appeal, _ = services.appeal_intake(
                    actor=hotline_account,
                    payload={**data, "external_id": f"RX{received:%Y%m%d}{i:04d}"},
                    idempotency_key=f"demo-{i}",
                    source_system=hotline,
                )
                routing_services.appeal_index(appeal=appeal)  # the seed runs in one transaction
            else:
                appeal = services.appeal_submit(actor=None, data=data, index_now=True)
        created.append(appeal)
        _walk(
            rng,
            appeal,
            i,
            total,
            received,
            now,
            office,
            departments,
            handlers,
            dept_code,
            reply,
            enterprise_user if appeal.enterprise_id == ctx["enterprise"].pk else office,
        )
    created += _wave(rng, now)
    ctx["appeals"] = created


def _wave(rng: random.Random, now: datetime) -> list[Appeal]:
    made = []
    for n, (title, description) in enumerate(WAVE):
        ent_index = (n * 2) % len(ENTERPRISES)
        data = {
            "enterprise_name": ENTERPRISES[ent_index],
            "credit_code": credit_code_for(ent_index + 1),
            "contact_name": rng.choice(SURNAMES) + "经理",
            "contact_phone": f"13{rng.randint(0, 9)}{rng.randint(10000000, 99999999)}",
            "category": "complaint",
            "title": title,
            "description": description,
        }
        received = _office_time(rng, now - timedelta(days=13 - 2 * n))
        if received > now - timedelta(hours=2):
            received = now - timedelta(hours=2 + n)
        with as_of(received):
            made.append(services.appeal_submit(actor=None, data=data, index_now=True))
    return made


class _Stop(Exception):
    """The walk ends here: the next step would fall after now, or the appeal stops part-way on purpose."""


class _Walk:
    """The moments one appeal's steps happen at, each the next office moment after the one before."""

    def __init__(self, rng: random.Random, received: datetime, now: datetime):
        self.rng, self.now, self.steps = rng, now, [received]

    def at(self, hours: float) -> datetime:
        moment = _next_office_moment(self.rng, self.steps[-1] + timedelta(hours=hours))
        if moment >= self.now:
            raise _Stop
        self.steps.append(moment)
        return moment


def _walk(rng, appeal, i, total, received, now, office, departments, handlers, dept_code, reply, follower):
    """Take one appeal as far as its age and a few dice allow."""
    # The most recent appeals stop part-way, so every queue has something in it.
    stop = (
        rng.choice(["submitted", "dispatched", "signed", "returned", "replied", "pending_extension"])
        if i >= total - 30
        else ""
    )
    walk = _Walk(rng, received, now)
    try:
        if _closed_early(walk, appeal, office) or stop == "submitted":
            return
        _dispatch(walk, appeal, office, departments, handlers, dept_code, stop)
        if stop == "dispatched":
            return
        for round_no in range(3):
            content = reply if round_no == 0 else "经再次核查并现场协调，" + reply
            _handle_round(walk, appeal, stop, office, handlers[dept_code], content)
            if not _follow_up(walk, appeal, round_no, office, follower):
                return
    except _Stop:
        return


def _closed_early(walk: _Walk, appeal: Appeal, office: Any) -> bool:
    """A repeat is mostly closed as a duplicate; a few appeals are outside the office's remit."""
    if appeal.duplicate_of_id and walk.rng.random() < 0.6:
        hours, reason, note = 3, "duplicate", "与此前诉求重复，合并办理。"
    elif walk.rng.random() < 0.03:
        hours, reason, note = 2, "out_of_scope", "属于民事纠纷，已告知通过司法途径解决。"
    else:
        return False
    with as_of(walk.at(hours)):
        services.appeal_close_invalid(actor=office, appeal=appeal, reason=reason, note=note)
    return True


def _dispatch(
    walk: _Walk, appeal: Appeal, office: Any, departments, handlers, dept_code: str, stop: str
) -> None:
    """Dispatch, now and then to the wrong unit first, which returns it for the right one."""
    rng = walk.rng
    main = departments[dept_code]
    wrong = rng.random() < 0.08 or stop == "returned"
    other = "ZJJ" if dept_code != "ZJJ" else "SCJ"
    moment = walk.at(rng.choice([1, 2, 3, 20]))
    co = [departments["DQ"].pk] if rng.random() < 0.1 and dept_code != "DQ" else []
    with as_of(moment):
        services.appeal_dispatch(
            actor=office,
            appeal=appeal,
            main_department=departments[other] if wrong else main,
            co_departments=co,
            instruction="请按时限办理并答复企业。",
        )
    if not wrong:
        return
    with as_of(walk.at(2)):
        services.appeal_return(
            actor=handlers[other],
            appeal=appeal,
            reason="function",
            note=f"该事项属于{main.display_name}职责，请改派。",
        )
    if stop == "returned":
        raise _Stop
    with as_of(walk.at(1)):
        services.appeal_dispatch(actor=office, appeal=appeal, main_department=main)


def _handle_round(walk: _Walk, appeal: Appeal, stop: str, office: Any, handler: Any, content: str) -> None:
    """The unit signs (30 hours: a late sign-off), sometimes asks for more time, and replies."""
    rng = walk.rng
    moment = walk.at(rng.choice([0.5, 1, 2, 3, 6, 30]))
    with as_of(moment):
        services.appeal_sign(actor=handler, appeal=appeal)
    if stop == "signed":
        raise _Stop
    if stop == "pending_extension":
        with as_of(moment + timedelta(minutes=30)):
            services.extension_request(actor=handler, appeal=appeal, days=5, reason="需会同区县现场核查。")
        raise _Stop
    if rng.random() < 0.08:
        with as_of(walk.at(24)):
            extension = services.extension_request(
                actor=handler, appeal=appeal, days=rng.choice([3, 5]), reason="需会同相关单位现场核查。"
            )
        with as_of(walk.at(4)):
            services.extension_decide(
                actor=office,
                extension=extension,
                approve=rng.random() < 0.8,
                note="同意。",
            )
    moment = walk.at(rng.choice([24, 48, 72, 96, 200]))
    with as_of(moment):
        services.appeal_reply(actor=handler, appeal=appeal, content=content)
    if stop == "replied":
        raise _Stop


def _follow_up(walk: _Walk, appeal: Appeal, round_no: int, office: Any, follower: Any) -> bool:
    """The enterprise (or the office by phone) rates the reply; True when it asked for another round."""
    rng = walk.rng
    moment = walk.at(rng.choice([24, 48]))
    roll = rng.random()
    satisfaction = "satisfied" if roll < 0.7 else "basic" if roll < 0.88 else "unsatisfied"
    if round_no > 0 and satisfaction == "unsatisfied" and rng.random() < 0.7:
        satisfaction = "basic"
    solved = satisfaction != "unsatisfied" and rng.random() < 0.92
    with as_of(moment):
        followup = services.appeal_follow_up(
            actor=follower,
            appeal=appeal,
            satisfaction=satisfaction,
            solved=solved,
            note="电话回访企业负责人。" if follower is office else "",
        )
    if satisfaction == "unsatisfied" and rng.random() < 0.2:
        with as_of(walk.at(4)):
            services.followup_mark_unreasonable(
                actor=office, followup=followup, reason="企业诉求超出政策规定范围，已做好解释工作。"
            )
    appeal.refresh_from_db()
    return appeal.state == Appeal.State.DISPATCHED
