"""python -m etl: the ETL command line (see etl/cli.py)."""

from etl.cli import main

if __name__ == "__main__":
    main()
