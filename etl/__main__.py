"""python -m etl: the ETL command line (see etl/cli.py)."""

from etl.cli import app

if __name__ == "__main__":
    app(prog_name="python -m etl")
