"""English messages. Keys are shared with zh.py; a test keeps the two in step."""

MESSAGES: dict[str, str] = {
    # the program and its global options
    "app.help": "gridlog: the walking log (行走日志) of a community grid worker, "
    "on SQLite. Record each visit, see what is due each morning, close cases.",
    "opt.db": "Database file (env GRIDLOG_DB; default: your data directory).",
    "opt.tz": "Time zone days begin and end in, e.g. Asia/Shanghai (env GRIDLOG_TZ).",
    "opt.lang": "Language of messages: zh or en (env GRIDLOG_LANG; default: locale).",
    "opt.json": "Print JSON only (shape documented in the README).",
    "error.prefix": "Error: ",
    "error.internal": "gridlog hit an internal problem ({kind}); nothing was "
    "changed. Run again with GRIDLOG_DEBUG=1 to see details and report them.",
    "args.not_utf8": "an argument is not valid UTF-8 text; check the terminal's "
    "encoding.",
    "list.sep": "; ",
    # dates and time
    "date.invalid": "cannot read '{text}' as a date or time. Accepted, e.g.: 今天, "
    "明天, 下周一, 3月15日, 2019年3月14日 8点10分, 2020年, 两周后, +3d, 08:27, "
    "2019-03-14 08:10, tomorrow (see the README for all).",
    "date.impossible": "there is no such date or time: '{text}'.",
    "date.ambiguous": "'{text}' is ambiguous (day/month or month/day?); write "
    "2024-03-02 or 2024年3月2日.",
    "clock.bad_now": "GRIDLOG_NOW is not an ISO date-time: '{value}' "
    "(e.g. 2019-03-14T08:10).",
    "tz.unknown": "unknown time zone '{name}' (e.g. Asia/Shanghai).",
    "weekday.0": "Mon",
    "weekday.1": "Tue",
    "weekday.2": "Wed",
    "weekday.3": "Thu",
    "weekday.4": "Fri",
    "weekday.5": "Sat",
    "weekday.6": "Sun",
    "duration.under_a_minute": "under a minute",
    # the database
    "db.locked": "the database is busy (another gridlog is writing) and stayed "
    "locked past the timeout; nothing was changed. Try again.",
    "db.readonly": "the database is read-only here; nothing was changed.",
    "db.not_db": "this file is not a gridlog database (not SQLite, or damaged).",
    "db.not_gridlog": "this SQLite file belongs to another program, not gridlog.",
    "db.corrupt": "the database file is damaged; restore it from a backup.",
    "db.full": "the disk is full; nothing was changed. Free some space and retry.",
    "db.cannot_open": "cannot open the database file; check the path and "
    "permissions (--db or GRIDLOG_DB).",
    "db.io": "a disk error stopped the database; nothing was changed.",
    "db.too_new": "this database was written by a newer gridlog (schema "
    "{version}, this one knows {supported}); upgrade gridlog to use it.",
    "db.other": "the database refused the operation ({reason}); nothing was changed.",
    # fields
    "field.empty": "{field} must not be empty.",
    "field.too_long": "{field} is too long ({size} characters; the limit is {limit}).",
    "field.control": "{field} must be one line of printable text.",
    "field.not_utf8": "{field} is not valid UTF-8 text.",
    "category.unknown": "unknown category '{text}'. Choose one of: {choices}.",
    "kind.unknown": "unknown kind '{text}'. Choose one of: {choices}.",
    # ids and items
    "arg.id": "The number shown as #ID by add, due, log or show.",
    "arg.when": "New due date, e.g. 明天, 下周一, +3d, 2019-03-20.",
    "id.bad": "'{id}' is not an id; ids are numbers like 42 (shown as #42).",
    "id.unknown": "there is no record #{id}.",
    "id.no_followup": "entry #{id} opened no follow-up or reminder.",
    "id.ambiguous": "entry #{id} has several open items ({candidates}); give one "
    "of those ids.",
    "item.followup": "follow-up",
    "item.reminder": "reminder",
    "item.already_done": "#{id} is already done.",
    "item.closed_before_opened": "#{id} cannot be closed before it was opened.",
    "case.closed": "case #{id} is already done; open a new follow-up instead.",
    "status.open": "open",
    "status.done": "done",
    # grids
    "grid.help": "Register and look up grids (网格) and their buildings.",
    "grid.add.help": "Register a grid with its worker, aliases and buildings.",
    "grid.add.epilog": "Example: gridlog grid add 红四网格 --alias 红四 --worker 马辉 "
    "--households 210 --building 9号楼 --building 10号楼",
    "grid.building.help": "Add buildings to a grid, so places in them find it.",
    "grid.building.epilog": "Example: gridlog grid building 红四网格 11号楼 12号楼",
    "grid.list.help": "List grids with their open and overdue follow-ups.",
    "grid.list.epilog": "Example: gridlog grid list --json",
    "grid.show.help": "Show one grid: worker, buildings, counts.",
    "grid.show.epilog": "Example: gridlog grid show 红四",
    "arg.grid_name": "The grid's full name, e.g. 红四网格.",
    "arg.grid": "A grid: full name, alias or unique prefix.",
    "arg.buildings": "Building names, e.g. 9号楼.",
    "opt.alias": "Another name for the grid (repeatable).",
    "opt.worker": "The grid worker's name.",
    "opt.grid_phone": "The grid worker's phone number.",
    "opt.households": "Number of households.",
    "opt.population": "Number of residents.",
    "opt.building": "A building in the grid (repeatable).",
    "grid.added": "Registered grid {name} ({buildings} buildings).",
    "grid.buildings_added": "Added {count} buildings to {grid}.",
    "grid.exists": "a grid or alias named '{name}' already exists.",
    "grid.alias_taken": "'{alias}' already names a grid.",
    "grid.bad_count": "counts cannot be negative ({value}).",
    "grid.unknown": "unknown grid '{grid}'. Known grids: {known}.",
    "grid.ambiguous": "'{grid}' could mean {candidates}; type more of the name.",
    "grid.missing": "which grid? Give --grid, a --place in a registered building, "
    "or set a default with: gridlog config --grid NAME.",
    "grid.none": "No grids yet. Register one: gridlog grid add 红四网格 "
    "--building 9号楼",
    "building.taken": "building '{building}' already belongs to {grid}.",
    "grid.col.name": "Grid",
    "grid.col.aliases": "Aliases",
    "grid.col.worker": "Worker",
    "grid.col.phone": "Phone",
    "grid.col.households": "Households",
    "grid.col.population": "Residents",
    "grid.col.buildings": "Buildings",
    "grid.col.open": "Open",
    "grid.col.overdue": "Overdue",
    # add
    "add.help": "Record a visit, patrol, window visitor or meeting in the walking "
    "log; optionally open a follow-up or a reminder.",
    "add.epilog": "Examples: gridlog add '9号楼有人往下扔建筑垃圾' --place 9号楼 "
    "--at 08:10 --follow-up 今天 · gridlog add '第12次上门, 还差一户签字' --case 42 "
    "· gridlog add '咨询高龄补贴' --kind 窗口 --remind 2020年 --remind-text "
    "'满80岁, 电话通知高龄补贴'",
    "add.text": "What happened, as you would write it in the log ('-' reads stdin).",
    "opt.grid": "The grid (name, alias or prefix); default: the place's building's "
    "grid, else your default grid.",
    "opt.place": "Where: building, entrance, door, e.g. 9号楼4单元301.",
    "opt.resident": "The resident concerned.",
    "opt.phone": "The resident's phone number.",
    "opt.category": "Line of work: 党建 综治 信访 出租屋 计生 民政 城管 就业 安全生产 "
    "环境卫生 卫健 物业维修 矛盾纠纷 社区活动 其他 (or the English keys).",
    "opt.kind": "visit/走访, patrol/巡查, window/窗口, meeting/会议, other/其他 "
    "(default visit).",
    "opt.at": "When it happened (default now), e.g. 08:10, 昨天, 2019-03-14 08:10.",
    "opt.follow_up": "Open a follow-up due then, e.g. 明天, 下周一, +3d.",
    "opt.remind": "Set a reminder due then, e.g. 2020年, 下个月, 3月15日.",
    "opt.remind_text": "What the reminder says (default: the entry's text).",
    "opt.case": "Record this as another visit on open follow-up ID.",
    "opt.tag": "A tag (repeatable), e.g. 独居, 高龄.",
    "add.remind_text_alone": "--remind-text needs --remind WHEN.",
    "add.stored": "Logged #{id} · {grid} · {at}",
    "add.visit": "visit {n} on case #{case}",
    "add.opened": "{type} #{id} due {due}",
    # due
    "due.help": "What is due today and overdue, by grid (add --days N to look ahead).",
    "due.epilog": "Examples: gridlog due · gridlog due --days 7 --grid 红四 · "
    "gridlog due --on 2020-01-01 --json",
    "opt.days": "Also show what falls due in the next N days.",
    "opt.grid_filter": "Only this grid (repeatable).",
    "opt.on": "As if today were this day.",
    "due.header": "Due on {weekday} {day}",
    "due.summary": "{count} items, {overdue} overdue",
    "due.summary.one": "1 item, {overdue} overdue",
    "due.none": "Nothing due or overdue.",
    "due.none_days": "Nothing due or overdue in this period.",
    "due.overdue": "{days} days overdue",
    "due.overdue.one": "1 day overdue",
    "due.today": "due today",
    "due.upcoming": "upcoming",
    "due.visits": " ({n} visits)",
    # done, snooze, show
    "done.help": "Close a follow-up or reminder and record how long it took.",
    "done.epilog": "Examples: gridlog done 42 --at 08:27 --note '物业已清理' · "
    "gridlog done 42",
    "opt.note": "How it was resolved.",
    "opt.done_at": "When it was resolved (default now).",
    "done.done": "Done: {type} #{id}, resolved in {took}.",
    "snooze.help": "Move the due date of a follow-up or reminder.",
    "snooze.epilog": "Examples: gridlog snooze 42 下周一 · gridlog snooze 42 +3d",
    "snooze.done": "{type} #{id} now due {due}.",
    "show.help": "The whole story of a follow-up: every visit numbered, its status "
    "and time to resolve.",
    "show.epilog": "Example: gridlog show 42 --json",
    "show.title": "{type} #{id} · {grid} · {status}",
    "show.opened": "opened {at}",
    "show.due": "due {due}",
    "show.closed": "done {at}",
    "show.took": "took {took}",
    "show.visit_n": "visit {n}",
    "show.visit": "visit",
    "show.snoozed": "snoozed",
    "show.done": "done",
    # log
    "log.help": "The walking log as the paper one reads: by day, with time, grid, "
    "place and text.",
    "log.epilog": "Examples: gridlog log · gridlog log --grid 红四 --since 3月1日 · "
    "gridlog log --category 物业维修 --limit 0 --json",
    "opt.since": "From this day on.",
    "opt.until": "Up to and including this day.",
    "opt.resident_filter": "Only entries about this resident (part of a name).",
    "opt.limit": "Show the newest N entries (0 = all).",
    "log.none": "No entries match.",
    # config
    "config.help": "Set your defaults: your name, default grid, time zone, language. "
    "Without options, show them.",
    "config.epilog": "Example: gridlog config --worker 马辉 --grid 红四网格 "
    "--tz Asia/Shanghai --lang zh",
    "opt.config_worker": "Your name, recorded with each change.",
    "opt.config_grid": "Grid used when add gets none and the place names no building.",
    "opt.config_tz": "Your time zone (used when --tz and GRIDLOG_TZ are not set).",
    "opt.config_lang": "Your language, zh or en (when --lang and GRIDLOG_LANG are "
    "not set).",
    "opt.unset": "Clear a setting: worker, grid, tz or lang (repeatable).",
    "config.saved": "Settings saved.",
    "config.unknown_key": "unknown setting '{key}'; settings are: {keys}.",
    "config.bad_lang": "unknown language '{lang}'; use zh or en.",
    "config.worker": "Worker",
    "config.grid": "Default grid",
    "config.tz": "Time zone",
    "config.lang": "Language",
    "config.db": "Database",
    # typer's own words
    "usage.line": "{message} (see: {command} --help)",
    "usage.no_option": "no such option: {name}",
    "usage.missing_argument": "missing argument {name}",
    "usage.missing_option": "missing option {name}",
    "usage.needs_value": "option {name} needs a value",
    "usage.bad_value": "invalid value for {name}: {detail}",
    "usage.no_command": "no such command: {name}",
    "usage.extra": "unexpected extra argument: {name} (quote text that has spaces)",
    "usage.missing_command": "missing command",
    "help.arguments": "Arguments",
    "help.options": "Options",
    "help.commands": "Commands",
    "help.required": "[required]",
    "help.default": "[default: {}]",
    "help.help": "Show this message and exit.",
    "cancelled": "cancelled; nothing was changed.",
    "usage.not_int": "'{value}' is not a whole number",
    "usage.out_of_range": "{value} is out of range ({range})",
    "help.usage": "Usage: ",
}
