"""The date phrases gridlog reads, as the README's table shows them and the tests
check that each parses: kept apart from the parser, which every CLI run imports and
which needs none of this text."""

from __future__ import annotations

__all__ = ["EXAMPLES", "PHRASES"]

# Shown by the CLI when a phrase is not understood.
EXAMPLES = (
    "明天",
    "下周一",
    "3月15日",
    "2020年",
    "+3d",
    "2019-03-14 08:10",
    "08:27",
    "两周后",
)

# The phrase families, for the README: (examples, 中文说明, English meaning).
PHRASES: list[tuple[str, str, str]] = [
    ("2019-03-14, 2019/3/14, 20190314", "某一天", "that day"),
    ("2019-03-14 08:10, 2019-03-14T08:10Z", "某天某时", "that day and time"),
    ("08:27, 8点半, 下午3点, 3pm, noon", "今天的这个时刻", "that time today"),
    (
        "明天 9:00, 明天上午9点, 9:00 tomorrow",
        "那天的这个时刻",
        "that time on that day",
    ),
    ("今天, 明天, 昨天, 后天, 前天", "相对今天的某天", "a day near today"),
    ("现在, 刚才, now", "此刻", "this minute"),
    ("今晚, 明晚, tonight", "那天晚上8点", "20:00 that evening"),
    (
        "今天下午, 明天上午, 明早, 下周三上午",
        "那天的上午9点、中午12点、下午3点、晚上8点（早上8点）",
        "that day at 9:00 (上午), 12:00, 15:00, 20:00 (早上 8:00)",
    ),
    ("周末, 下周末", "本周或下周的周六", "Saturday of this or next week"),
    (
        "3月底, 4月初, 5月中",
        "那月最后一天、1日、15日",
        "last, 1st or 15th of that month",
    ),
    ("3/15, 3-15", "今年3月15日（月/日）", "15 March (month/day, as written in China)"),
    (
        "+3d, +2w, +1m, +1y, -2d, +3",
        "今天往后/往前几天、周、月、年",
        "days, weeks, months, years from today",
    ),
    (
        "3天后, 两周后, 3个月前, 半个月后, in 3 days, 3 days ago",
        "几天/周/月/年之后或之前",
        "that long from today, or ago",
    ),
    (
        "10分钟后, 2小时后, 半小时后, in 2 hours",
        "从现在起几分钟/小时之后",
        "minutes or hours from now",
    ),
    (
        "周五, 星期五, 礼拜天",
        "到期日、提醒：下一个周五（今天是周五即今天）；--at、--since：最近过去的周五；"
        "其余：本周的周五",
        "due dates and reminders: the coming Friday (today if it is Friday); --at, "
        "--since: the last one; elsewhere: Friday of this week",
    ),
    (
        "本周五, 这周五, 这个星期五",
        "本周（周一到周日）的那天",
        "that day of this week (Monday to Sunday)",
    ),
    (
        "下周一, 下个星期五, 下下周一, 上周五",
        "下周、下下周、上周的那天",
        "that day of next, the following or last week",
    ),
    (
        "friday, next monday, last friday",
        "今天之后的下一个周五；下周一；上周五",
        "the next Friday after today; Monday next week; Friday last week",
    ),
    (
        "下周, 下个月, 明年, next month",
        "下一周/月/年的第一天",
        "the first day of the next week, month or year",
    ),
    (
        "月初, 月中, 月底, 下月底, 年底, eom",
        "本月1日、15日、最后一天；年底为12月31日",
        "1st, 15th or last day of the month; 31 December",
    ),
    (
        "3月15日, 三月十五日, 12月, 15号",
        "今年的那天（那月1日）；本月的那天",
        "that day (or month) this year; that day this month",
    ),
    (
        "2019年3月14日, 19年3月14日, 明年3月",
        "那年的那天（那月1日）",
        "that day (or month) in that year",
    ),
    ("2020年, 二〇二〇年, 2020, 明年", "那年1月1日", "1 January of that year"),
    (
        "七日内, 7天内, 两个礼拜内, 1个月之内, 一年内, 限期7日内整改, within 7 days",
        "期限的最后一天（今天不算）",
        "the last day of the span (today not counted)",
    ),
    (
        "本周内, 本月内, 今年内, 月底前, 3月15日前, 截至4月1日",
        "那段时间（那天）为止：周日、月末、12月31日",
        "by then: Sunday, the month's last day, 31 December, that day",
    ),
    (
        "近30天, 最近两周, 过去3个月, 未来7天",
        "那么久以前（回看的起点）；未来几天为那么久以后",
        "that long ago (where a look back starts); 未来 that long from today",
    ),
    (
        "3个工作日内, 5个工作日后, 下个工作日, within 3 working days",
        "按国家法定节假日和调休安排数工作日",
        "working days on China's official calendar, holidays and 调休 included",
    ),
    (
        "国庆, 春节, 除夕, 清明, 五一, 端午, 中秋, 重阳, 元旦, 明年春节, 去年国庆",
        "那个节日（农历节日按农历推算）；没说年份时按到期日/回看取下一个或上一个",
        "that holiday (lunar ones by the lunar calendar); without a year, the coming "
        "one for a due date, the last one looking back",
    ),
    (
        "农历八月十五, 正月十五, 腊月廿三, 大年初五",
        "农历日期",
        "a date in the lunar calendar",
    ),
    (
        "上旬, 中旬, 下旬, 3月下旬, 下月上旬",
        "那月1日、11日、21日",
        "the 1st, 11th or 21st of that month",
    ),
    (
        "3月份, 明年3月份, 上一周, 这一周, 上一个月, 这一年, 上年, 下年, 下半年",
        "那一周/月/年（半年）的第一天",
        "the first day of that week, month, year (or half)",
    ),
    (
        "前日, 本日, 大后天, 大大后天, 下周周六, 十二月月底, 年初, 一季度, 第三季度末",
        "那一天；季度的第一天或最后一天",
        "that day; a quarter's first or last day",
    ),
    (
        "2016年 2月 5日, 二零一六年，九月三号, 两千零四年, 晚8点, 八点零五, 3点45分钟",
        "日期里的空格、逗号，全角数字，带千的年份，晚/早几点",
        "spaces and commas inside a date, full-width digits, years with 千, 晚8点",
    ),
    (
        "98年4月, 05年",
        "回看取最近的那一年（1998年）；到期日取将来五十年内的那一年，否则取过去的",
        "looking back the last such year (1998); for a due date the coming one "
        "within fifty years, else the last (never 2098)",
    ),
    (
        "the day after tomorrow, two days ago, two weeks from now, "
        "next week on friday, wednesday of next week, march 3, the 20th of next month",
        "英文的相对日期和月份名",
        "English relative days and month names",
    ),
]
