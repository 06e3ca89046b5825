"""The English names of the weekdays, as typed ("friday", "fri", "thurs").

Read by the English rewriting (`dates.english`: "next monday" -> 下周1) and by the
one rule of the parser that has no Chinese twin ("friday", the next Friday after
today). Apart from `dates.english` so that the parser loads that module only when a
phrase holds English.
"""

from __future__ import annotations

EN_WEEKDAYS = {
    **dict.fromkeys(("monday", "mon"), 0),
    **dict.fromkeys(("tuesday", "tues", "tue"), 1),
    **dict.fromkeys(("wednesday", "wed"), 2),
    **dict.fromkeys(("thursday", "thurs", "thur", "thu"), 3),
    **dict.fromkeys(("friday", "fri"), 4),
    **dict.fromkeys(("saturday", "sat"), 5),
    **dict.fromkeys(("sunday", "sun"), 6),
}
EN_WEEKDAY = "|".join(sorted(EN_WEEKDAYS, key=len, reverse=True))
