"""`python -m gridlog`: the same as the `gridlog` command."""

from gridlog.cli.main import run

if __name__ == "__main__":
    run()
