#!/usr/bin/env bash
# The README's first command runs this: build the demo community 金马二社区 from
# typed commands (jinma2.sh), then walk through the morning of 15 March 2019.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
export GRIDLOG_DB="${GRIDLOG_DB:-$here/demo.db}"
export GRIDLOG_TZ=Asia/Shanghai
export GRIDLOG_LANG="${GRIDLOG_LANG:-zh}"
rm -f "$GRIDLOG_DB" "$GRIDLOG_DB-wal" "$GRIDLOG_DB-shm" "$here/2019-03.html" "$here/2019-03.xlsx"

echo "Building the demo community in $GRIDLOG_DB ..."
# shellcheck source=jinma2.sh
source "$here/jinma2.sh"

export GRIDLOG_NOW=2019-03-15T07:50 # the morning after the reporters' visit
show() { printf '\n$ %s\n' "$*"; "$@"; }
show gridlog grid list
show gridlog due
show gridlog due --days 7 --grid 红二
show gridlog log --since 3月14日 --grid 红四
show gridlog show "$roof"
show gridlog show "$waste"
show gridlog add "第13次上门，最后一户同意签字" --case "$roof"
show gridlog done "$roof" --note "18户全部签字，维修基金已申请"
# Last year's log, kept in Excel (saved as GBK, the way Excel saves on Chinese Windows)
show gridlog import "$here/2018年行走日志.csv" --dry-run
show gridlog import "$here/2018年行走日志.csv"
show gridlog search 楼顶
show gridlog report --month 2019-03
show gridlog report --month 2019-03 --format html --output "$here/2019-03.html"
show gridlog report --month 2019-03 --format xlsx --output "$here/2019-03.xlsx"
printf '\nThe demo database stays in %s: try `GRIDLOG_DB=%s gridlog log`.\n' \
  "$GRIDLOG_DB" "$GRIDLOG_DB"
