"""The community hub: one PostgreSQL database where every worker's device meets.

Only commands that touch the hub import this package, and it imports psycopg (the
`hub` extra) only when it connects.
"""
