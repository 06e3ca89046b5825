"""`gridlog grid …`: register and look up grids (网格) and their buildings."""

from typing import Annotated

import typer

from gridlog.cli.common import (
    JsonOption,
    emit,
    session,
)
from gridlog.domain import grids
from gridlog.words.i18n import t, tn

# `2-1号楼` as a building's own name, not a range (and not refused as a reversed one).
AsTypedOption = Annotated[bool, typer.Option("--as-typed", help=t("opt.as_typed"))]


def grid_add(
    ctx: typer.Context,
    name: Annotated[str, typer.Argument(metavar="NAME", help=t("arg.grid_name"))],
    alias: Annotated[
        list[str] | None, typer.Option("--alias", "-a", help=t("opt.alias"))
    ] = None,
    worker: Annotated[
        str | None, typer.Option("--worker", "-w", help=t("opt.worker"))
    ] = None,
    phone: Annotated[
        str | None, typer.Option("--phone", help=t("opt.grid_phone"))
    ] = None,
    households: Annotated[
        int | None,
        typer.Option("--households", min=0, max=10**7, help=t("opt.households")),
    ] = None,
    population: Annotated[
        int | None,
        typer.Option("--population", min=0, max=10**8, help=t("opt.population")),
    ] = None,
    building: Annotated[
        list[str] | None, typer.Option("--building", "-b", help=t("opt.building"))
    ] = None,
    as_typed: AsTypedOption = False,
) -> None:
    buildings = grids.expand_buildings(building or (), as_typed=as_typed)
    with session(ctx, write=True) as (conn, context):
        grids.add_grid(
            conn,
            context,
            name,
            aliases=alias or (),
            worker=worker,
            phone=phone,
            households=households,
            population=population,
            buildings=buildings,
        )
        emit(
            line=tn(
                "grid.added",
                len(buildings),
                name=name.strip(),
                buildings=len(buildings),
            )
        )


def grid_building(
    ctx: typer.Context,
    name: Annotated[str, typer.Argument(metavar="GRID", help=t("arg.grid"))],
    buildings: Annotated[
        list[str], typer.Argument(metavar="BUILDING...", help=t("arg.buildings"))
    ],
    as_typed: AsTypedOption = False,
) -> None:
    buildings = grids.expand_buildings(buildings, as_typed=as_typed)
    with session(ctx, write=True) as (conn, context):
        grid_id = grids.add_buildings(conn, context, name, buildings)
        from gridlog.render.log import buildings_added_line

        emit(line=buildings_added_line(grids.grid_name(conn, grid_id), buildings))


def grid_list(ctx: typer.Context, json_out: JsonOption = False) -> None:
    with session(ctx, write=False) as (conn, context):
        summaries = grids.list_grids(conn, context.today)
        if json_out:
            from gridlog.render import shapes

            emit(data=shapes.grids(summaries))
        else:
            from gridlog.render.log import grids_doc

            emit(grids_doc(summaries))


def grid_show(
    ctx: typer.Context,
    name: Annotated[str, typer.Argument(metavar="GRID", help=t("arg.grid"))],
    json_out: JsonOption = False,
) -> None:
    with session(ctx, write=False) as (conn, context):
        summary = grids.show_grid(conn, context.today, name, context.zone)
        if json_out:
            from gridlog.render import shapes

            emit(data=shapes.grids([summary])[0])
        else:
            from gridlog.render.log import grid_doc

            emit(grid_doc(summary))


# Registered last: they import the shared pieces above.


def register(app: typer.Typer) -> None:
    """Add the `grid` group to `app`."""
    grid_app = typer.Typer(help=t("grid.help"), no_args_is_help=True)
    grid_app.command("add", help=t("grid.add.help"), epilog=t("grid.add.epilog"))(
        grid_add
    )
    grid_app.command(
        "building", help=t("grid.building.help"), epilog=t("grid.building.epilog")
    )(grid_building)
    grid_app.command("list", help=t("grid.list.help"), epilog=t("grid.list.epilog"))(
        grid_list
    )
    grid_app.command("show", help=t("grid.show.help"), epilog=t("grid.show.epilog"))(
        grid_show
    )
    app.add_typer(grid_app, name="grid")
