"""`gridlog resident …`: the register of households and residents. Registered on the
main app by `gridlog.cli.app`; the domain is `gridlog.domain.residents`."""

from typing import Annotated

import typer

from gridlog.cli.common import (
    GridOption,
    GridsOption,
    IdArgument,
    JsonOption,
    LimitOption,
    RevealOption,
    emit,
    parse_id,
    session,
)
from gridlog.words.i18n import t, tn

NameArgument = Annotated[
    str, typer.Argument(metavar="NAME", help=t("arg.resident_name"))
]
RefArgument = Annotated[
    str, typer.Argument(metavar="NAME|ID", help=t("arg.resident_ref"))
]
ResidentPlaceOption = Annotated[
    str | None, typer.Option("--place", "-p", help=t("opt.resident_place"))
]
WhichPlaceOption = Annotated[
    str | None, typer.Option("--place", "-p", help=t("opt.which_place"))
]
ResidentPhoneOption = Annotated[
    str | None, typer.Option("--phone", help=t("opt.resident_phone"))
]
IdNumberOption = Annotated[
    str | None, typer.Option("--id-number", help=t("opt.id_number"))
]
BirthOption = Annotated[str | None, typer.Option("--birth", help=t("opt.birth"))]
TagsOption = Annotated[
    list[str] | None, typer.Option("--tag", "-t", help=t("opt.resident_tag"))
]
NoteOption = Annotated[str | None, typer.Option("--note", help=t("opt.resident_note"))]


def resident_add(
    ctx: typer.Context,
    name: NameArgument,
    place: ResidentPlaceOption = None,
    grid: GridOption = None,
    phone: ResidentPhoneOption = None,
    id_number: IdNumberOption = None,
    birth: BirthOption = None,
    tag: TagsOption = None,
    note: NoteOption = None,
    json_out: JsonOption = False,
    reveal: RevealOption = False,
) -> None:
    from gridlog.domain import residents

    with session(ctx, write=True) as (conn, context):
        new = residents.NewResident(
            name=name,
            place=place,
            grid=grid,
            phone=phone,
            id_number=id_number,
            birth=residents.parse_birth(birth, context.now) if birth else None,
            tags=tag or (),
            note=note,
        )
        added = residents.add_resident(conn, context, new)
        from gridlog.render import residents as render

        if json_out:
            shown = render.resident_json(added.resident, context.today, reveal)
            emit(data=shown, mask=not reveal)
        else:
            emit(line=render.added_line(added))


def resident_list(
    ctx: typer.Context,
    grid: GridsOption = None,
    place: Annotated[
        str | None, typer.Option("--place", "-p", help=t("opt.resident_place_filter"))
    ] = None,
    tag: Annotated[
        list[str] | None, typer.Option("--tag", "-t", help=t("opt.tag_filter"))
    ] = None,
    age: Annotated[str | None, typer.Option("--age", help=t("opt.age"))] = None,
    phone: Annotated[
        str | None, typer.Option("--phone", help=t("opt.phone_filter"))
    ] = None,
    limit: LimitOption = 0,
    json_out: JsonOption = False,
    reveal: RevealOption = False,
) -> None:
    from gridlog.domain import grids, residents
    from gridlog.render import residents as render

    with session(ctx, write=False) as (conn, context):
        low, high = residents.parse_age_range(age) if age else (None, None)
        filters = residents.ResidentFilter(
            grid_ids=[grids.find_grid(conn, g) for g in grid] if grid else None,
            place=place,
            tags=tag or (),
            min_age=low,
            max_age=high,
            phone=phone,
            limit=limit,
        )
        found = residents.list_residents(conn, context.today, filters)
        if json_out:
            found_json = [render.resident_json(r, context.today, reveal) for r in found]
            emit(data=found_json, mask=not reveal)
        else:
            emit(render.residents_doc(found, context.today, reveal), mask=not reveal)


def resident_show(
    ctx: typer.Context,
    ref: RefArgument,
    place: WhichPlaceOption = None,
    json_out: JsonOption = False,
    reveal: RevealOption = False,
) -> None:
    from gridlog.domain import residents
    from gridlog.render import residents as render

    with session(ctx, write=False) as (conn, context):
        resident_id = residents.find_resident(conn, ref, place)
        story = residents.resident_story(conn, context.zone, resident_id, context.today)
        if json_out:
            emit(data=render.story_json(story, context.today, reveal), mask=not reveal)
        else:
            emit(render.story_doc(story, context.today, reveal), mask=not reveal)


def resident_edit(
    ctx: typer.Context,
    ref: RefArgument,
    name: Annotated[str | None, typer.Option("--name", help=t("opt.new_name"))] = None,
    place: ResidentPlaceOption = None,
    grid: GridOption = None,
    phone: ResidentPhoneOption = None,
    id_number: IdNumberOption = None,
    birth: BirthOption = None,
    tag: TagsOption = None,
    untag: Annotated[
        list[str] | None, typer.Option("--untag", help=t("opt.untag"))
    ] = None,
    note: NoteOption = None,
) -> None:
    from gridlog.domain import residents

    with session(ctx, write=True) as (conn, context):
        resident_id = residents.find_resident(conn, ref)
        clear_birth = birth is not None and not birth.strip()
        edit = residents.ResidentEdit(
            name=name,
            place=place,
            grid=grid,
            phone=phone,
            id_number=id_number,
            birth=(
                residents.parse_birth(birth, context.now)
                if birth and birth.strip()
                else None
            ),
            clear_birth=clear_birth,
            add_tags=tag or (),
            remove_tags=untag or (),
            note=note,
        )
        changed = residents.edit_resident(conn, context, resident_id, edit)
        emit(line=t("resident.edited", id=changed.id, name=changed.name))


def resident_forget(
    ctx: typer.Context,
    ref: RefArgument,
    place: WhichPlaceOption = None,
) -> None:
    from gridlog.domain import residents
    from gridlog.domain.privacy import forget_resident
    from gridlog.storage.db import resolve_path

    with session(ctx, write=True) as (conn, context):
        resident_id = residents.find_resident(conn, ref, place)
        gone = forget_resident(conn, context, resident_id)
    lines = [
        t(
            "resident.forgotten",
            id=gone.id,
            entries=gone.entries,
            items=gone.items,
            history=gone.history,
        )
    ]
    if gone.photos:
        lines.append(tn("resident.forget_photos", gone.photos, count=gone.photos))
    if gone.left:
        ids = t("list.sep").join(f"#{record}" for record in gone.left_in)
        lines.append(t("resident.forget_left", count=gone.left, ids=ids))
    path = resolve_path(ctx.find_root().obj.db)
    copies = sorted(path.parent.glob(f"{path.name}.v*.bak"))
    if copies:
        names = "、".join(str(copy) for copy in copies)
        lines.append(t("resident.forget_backups", files=names))
    else:
        lines.append(t("resident.forget_backups_elsewhere"))
    emit(line="\n".join(lines))


def sign(
    ctx: typer.Context,
    record: IdArgument,
    households: Annotated[
        list[str], typer.Argument(metavar="HOUSEHOLD...", help=t("arg.households"))
    ],
    need: Annotated[bool, typer.Option("--need", help=t("opt.need"))] = False,
    refused: Annotated[bool, typer.Option("--refused", help=t("opt.refused"))] = False,
    pending: Annotated[bool, typer.Option("--pending", help=t("opt.pending"))] = False,
) -> None:
    from gridlog.domain import signoffs
    from gridlog.errors import GridlogError
    from gridlog.render.log import signoff_lines

    if need + refused + pending > 1:
        raise GridlogError("sign.one_flag", exit_code=2)
    status = (
        None if need else "refused" if refused else "pending" if pending else "signed"
    )
    with session(ctx, write=True) as (conn, context):
        tally = signoffs.record(conn, context, parse_id(record), households, status)
    emit(line="\n".join(signoff_lines(tally)))


RuleCategoryOption = Annotated[
    str | None, typer.Option("--category", "-c", help=t("opt.rule_category"))
]
BackfillOption = Annotated[bool, typer.Option("--backfill", help=t("opt.backfill"))]


def rule_list(ctx: typer.Context, json_out: JsonOption = False) -> None:
    from gridlog.domain import care_rules
    from gridlog.render import residents as render

    with session(ctx, write=False) as (conn, _context):
        rules = care_rules.list_rules(conn)
    if json_out:
        emit(data=[render.rule_json(rule) for rule in rules])
    else:
        emit(render.rules_doc(rules))


def rule_add(
    ctx: typer.Context,
    age: Annotated[int, typer.Argument(metavar="AGE", help=t("arg.rule_age"))],
    text: Annotated[str, typer.Argument(metavar="TEXT", help=t("arg.rule_text"))],
    category: RuleCategoryOption = None,
    backfill: BackfillOption = False,
) -> None:
    from gridlog.domain import care_rules
    from gridlog.render.residents import rule_saved_doc
    from gridlog.storage.history import writing

    with session(ctx, write=True) as (conn, context), writing(conn, context) as changes:
        saved = care_rules.add_rule(
            conn, changes, age, text, category or "civil-affairs", backfill=backfill
        )
    emit(rule_saved_doc(saved, "rule.added"), mask=True)


def rule_edit(
    ctx: typer.Context,
    rule: IdArgument,
    age: Annotated[int | None, typer.Option("--age", help=t("opt.rule_age"))] = None,
    text: Annotated[str | None, typer.Option("--text", help=t("opt.rule_text"))] = None,
    category: RuleCategoryOption = None,
    on: Annotated[
        bool | None, typer.Option("--on/--off", help=t("opt.rule_on"))
    ] = None,
    backfill: BackfillOption = False,
) -> None:
    from gridlog.domain import care_rules
    from gridlog.render.residents import rule_saved_doc
    from gridlog.storage.history import writing

    edit = care_rules.RuleEdit(age=age, text=text, category=category, active=on)
    with session(ctx, write=True) as (conn, context), writing(conn, context) as changes:
        saved = care_rules.edit_rule(
            conn, changes, parse_id(rule), edit, backfill=backfill
        )
    emit(rule_saved_doc(saved, "rule.edited"), mask=True)


def register(app: typer.Typer) -> None:
    """Add `sign` and the `resident` and `rule` groups to `app`."""
    residents = typer.Typer(help=t("resident.help"), no_args_is_help=True)
    residents.command(
        "add", help=t("resident.add.help"), epilog=t("resident.add.epilog")
    )(resident_add)
    residents.command(
        "list", help=t("resident.list.help"), epilog=t("resident.list.epilog")
    )(resident_list)
    residents.command(
        "show", help=t("resident.show.help"), epilog=t("resident.show.epilog")
    )(resident_show)
    residents.command(
        "edit", help=t("resident.edit.help"), epilog=t("resident.edit.epilog")
    )(resident_edit)
    residents.command(
        "forget", help=t("resident.forget.help"), epilog=t("resident.forget.epilog")
    )(resident_forget)
    app.command(help=t("sign.help"), epilog=t("sign.epilog"))(sign)
    rules = typer.Typer(help=t("rule.help"), no_args_is_help=True)
    rules.command("list", help=t("rule.list.help"), epilog=t("rule.list.epilog"))(
        rule_list
    )
    rules.command("add", help=t("rule.add.help"), epilog=t("rule.add.epilog"))(rule_add)
    rules.command("edit", help=t("rule.edit.help"), epilog=t("rule.edit.epilog"))(
        rule_edit
    )
    app.add_typer(residents, name="resident")
    app.add_typer(rules, name="rule")
