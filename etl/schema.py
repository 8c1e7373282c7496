"""The database schema, defined once. Every table is documented in docs/data-dictionary.md.

Money is DECIMAL(18,2) baht. Dates are DATE in the Common Era (BE input is converted).
Rows that pass their file's checks but break a rule on the stored state (etl/state.py) wait
in `held_<table>`, a copy of the table's columns with the reason, until a later load makes
them fit; the read side reads only the tables themselves.
`SCHEMA_VERSION` goes up by one whenever a statement below changes; `MIGRATIONS`
holds the statements that bring a file of the previous version up to date, so a newer
code version can open an older file.
"""

from __future__ import annotations

SCHEMA_VERSION = 4

MONEY = "DECIMAL(18,2)"

TABLES: dict[str, str] = {
    "schema_info": """
        CREATE TABLE IF NOT EXISTS schema_info (
            version     INTEGER NOT NULL,
            upgraded_at TIMESTAMP NOT NULL
        )""",
    # --- reference data (replaced from data/reference/ by every ETL command) ---
    "clusters": """
        CREATE TABLE IF NOT EXISTS clusters (
            cluster_code          VARCHAR PRIMARY KEY,
            name_th               VARCHAR NOT NULL,
            name_en               VARCHAR NOT NULL,
            region                VARCHAR NOT NULL,
            centre_province_code  VARCHAR
        )""",
    "provinces": """
        CREATE TABLE IF NOT EXISTS provinces (
            province_code  VARCHAR PRIMARY KEY,
            name_th        VARCHAR NOT NULL,
            name_en        VARCHAR NOT NULL,
            region         VARCHAR NOT NULL,
            cluster_code   VARCHAR NOT NULL
        )""",
    "regions": """
        CREATE TABLE IF NOT EXISTS regions (
            region      VARCHAR PRIMARY KEY,
            name_th     VARCHAR NOT NULL,
            name_en     VARCHAR NOT NULL,
            sort_order  INTEGER NOT NULL
        )""",
    "targets": """
        CREATE TABLE IF NOT EXISTS targets (
            fiscal_year   INTEGER NOT NULL,
            scope         VARCHAR NOT NULL,  -- 'overall' or 'investment'
            quarter       INTEGER NOT NULL,  -- 1..4
            quarter_end   DATE NOT NULL,
            target_pct    DECIMAL(6,2) NOT NULL,  -- cumulative percent 0-100
            PRIMARY KEY (fiscal_year, scope, quarter)
        )""",
    "thresholds": """
        CREATE TABLE IF NOT EXISTS thresholds (
            name        VARCHAR PRIMARY KEY,
            value       DOUBLE NOT NULL,
            unit        VARCHAR NOT NULL,
            description VARCHAR NOT NULL
        )""",
    "report_settings": """
        CREATE TABLE IF NOT EXISTS report_settings (
            name        VARCHAR PRIMARY KEY,  -- e.g. 'headline_line'
            value       VARCHAR NOT NULL,     -- 'overall' or 'investment' for headline_line
            description VARCHAR NOT NULL
        )""",
    # --- loaded records ---
    "projects": f"""
        CREATE TABLE IF NOT EXISTS projects (
            project_code         VARCHAR PRIMARY KEY,
            fiscal_year          INTEGER NOT NULL,       -- BE, e.g. 2562
            owner                VARCHAR NOT NULL,       -- province_code or cluster_code
            owner_type           VARCHAR NOT NULL,       -- 'province' or 'cluster'
            project_name         VARCHAR NOT NULL,
            budget_type          VARCHAR NOT NULL,       -- operating / investment / other
            implementing_agency  VARCHAR,
            allocated_amount     {MONEY} NOT NULL,       -- original allocation, baht
            contract_amount      {MONEY},
            contract_date        DATE,
            planned_start        DATE,
            planned_end          DATE,
            emenscr_code         VARCHAR,
            load_id              INTEGER NOT NULL
        )""",
    "disbursements": f"""
        CREATE TABLE IF NOT EXISTS disbursements (
            -- doc_no is unique; the ETL enforces it (duplicate check + upsert by key)
            -- rather than a PRIMARY KEY index, which costs more than the whole
            -- normalisation on a national-scale load.
            doc_no        VARCHAR NOT NULL,
            project_code  VARCHAR NOT NULL,
            posting_date  DATE NOT NULL,
            amount        {MONEY} NOT NULL,  -- negative = reversal
            source        VARCHAR NOT NULL,  -- 'current' or 'carryover'
            load_id       INTEGER NOT NULL,
            source_row    INTEGER            -- row of the file (load_id) the values came from
        )""",
    "carryovers": f"""
        CREATE TABLE IF NOT EXISTS carryovers (
            project_code     VARCHAR PRIMARY KEY,
            amount           {MONEY} NOT NULL,
            with_commitment  BOOLEAN NOT NULL,
            approved_date    DATE NOT NULL,
            deadline         DATE NOT NULL,
            reason           VARCHAR,
            load_id          INTEGER NOT NULL,
            source_row       INTEGER
        )""",
    "reallocations": f"""
        CREATE TABLE IF NOT EXISTS reallocations (
            ref_no             VARCHAR PRIMARY KEY,
            approved_date      DATE NOT NULL,
            from_project_code  VARCHAR,          -- NULL = new money
            to_project_code    VARCHAR,          -- NULL = returned
            amount             {MONEY} NOT NULL, -- > 0
            kind               VARCHAR NOT NULL, -- savings / change / return
            reason             VARCHAR,
            load_id            INTEGER NOT NULL,
            source_row         INTEGER
        )""",
    "asset_transfers": f"""
        CREATE TABLE IF NOT EXISTS asset_transfers (
            asset_id          VARCHAR PRIMARY KEY,
            project_code      VARCHAR NOT NULL,
            description       VARCHAR NOT NULL,
            value             {MONEY} NOT NULL,
            recipient         VARCHAR,
            completed_date    DATE,
            transferred_date  DATE,             -- NULL = not yet
            status            VARCHAR NOT NULL, -- pending / in_progress / transferred
            load_id           INTEGER NOT NULL,
            source_row        INTEGER
        )""",
    # --- rows held back by a state rule (etl/state.py): the table's columns, the reason and
    #     the column it concerns; they move back when a later load makes them fit ---
    "held_disbursements": f"""
        CREATE TABLE IF NOT EXISTS held_disbursements (
            doc_no VARCHAR, project_code VARCHAR, posting_date DATE, amount {MONEY}, source VARCHAR,
            load_id INTEGER, source_row INTEGER, reason_code VARCHAR, column_name VARCHAR
        )""",
    "held_carryovers": f"""
        CREATE TABLE IF NOT EXISTS held_carryovers (
            project_code VARCHAR, amount {MONEY}, with_commitment BOOLEAN, approved_date DATE,
            deadline DATE, reason VARCHAR,
            load_id INTEGER, source_row INTEGER, reason_code VARCHAR, column_name VARCHAR
        )""",
    "held_reallocations": f"""
        CREATE TABLE IF NOT EXISTS held_reallocations (
            ref_no VARCHAR, approved_date DATE, from_project_code VARCHAR, to_project_code VARCHAR,
            amount {MONEY}, kind VARCHAR, reason VARCHAR,
            load_id INTEGER, source_row INTEGER, reason_code VARCHAR, column_name VARCHAR
        )""",
    "held_asset_transfers": f"""
        CREATE TABLE IF NOT EXISTS held_asset_transfers (
            asset_id VARCHAR, project_code VARCHAR, description VARCHAR, value {MONEY},
            recipient VARCHAR, completed_date DATE, transferred_date DATE, status VARCHAR,
            load_id INTEGER, source_row INTEGER, reason_code VARCHAR, column_name VARCHAR
        )""",
    # --- load bookkeeping ---
    "loads": """
        CREATE TABLE IF NOT EXISTS loads (
            load_id         INTEGER PRIMARY KEY,
            file_name       VARCHAR NOT NULL,
            file_path       VARCHAR NOT NULL,
            sha256          VARCHAR NOT NULL,
            kind            VARCHAR,
            sheet           VARCHAR,
            started_at      TIMESTAMP NOT NULL,
            finished_at     TIMESTAMP,
            status          VARCHAR NOT NULL,  -- loaded / loaded_with_rejects / refused / unchanged
            rows_read       INTEGER NOT NULL DEFAULT 0,
            rows_inserted   INTEGER NOT NULL DEFAULT 0,
            rows_updated    INTEGER NOT NULL DEFAULT 0,
            rows_unchanged  INTEGER NOT NULL DEFAULT 0,
            rows_rejected   INTEGER NOT NULL DEFAULT 0,
            total_rows_skipped INTEGER NOT NULL DEFAULT 0,
            data_date       DATE,              -- latest date found in the file's records
            message         VARCHAR,
            rows_released   INTEGER NOT NULL DEFAULT 0,  -- held rows of earlier loads accepted now
            rows_withdrawn  INTEGER NOT NULL DEFAULT 0   -- stored rows of earlier loads held now
        )""",
    "rejects": """
        CREATE TABLE IF NOT EXISTS rejects (
            load_id      INTEGER NOT NULL,
            file_name    VARCHAR NOT NULL,
            sheet        VARCHAR,
            row_number   INTEGER,          -- 1-based row in the file/sheet as a user sees it
            column_name  VARCHAR,          -- header as written in the file
            bad_value    VARCHAR,
            reason_code  VARCHAR NOT NULL,
            reason_th    VARCHAR NOT NULL,
            reason_en    VARCHAR NOT NULL,
            kind         VARCHAR,          -- record kind of the row
            record_key   VARCHAR,          -- the row's key as stored (normalised); NULL if unreadable
            resolved_by_load_id INTEGER    -- a state-rule reject no longer holds since this load
        )""",
    # --- weekly snapshots: per-project state frozen as of a date (etl/snapshot.py) ---
    "snapshots": """
        CREATE TABLE IF NOT EXISTS snapshots (
            snapshot_id           INTEGER PRIMARY KEY,
            fiscal_year           INTEGER NOT NULL,
            as_of                 DATE NOT NULL,
            taken_at              TIMESTAMP NOT NULL,
            source_load_ids       VARCHAR NOT NULL,  -- comma-separated load_id list
            status                VARCHAR NOT NULL,  -- current / replaced
            replaces_snapshot_id  INTEGER,           -- the snapshot a --replace superseded
            replaced_at           TIMESTAMP          -- when this one was superseded
        )""",
    "snapshot_projects": f"""
        CREATE TABLE IF NOT EXISTS snapshot_projects (
            snapshot_id          INTEGER NOT NULL,
            project_code         VARCHAR NOT NULL,
            project_name         VARCHAR NOT NULL,
            owner                VARCHAR NOT NULL,
            owner_type           VARCHAR NOT NULL,
            owner_name_th        VARCHAR,
            owner_name_en        VARCHAR,
            province_code        VARCHAR,
            cluster_code         VARCHAR,
            region               VARCHAR,
            budget_type          VARCHAR NOT NULL,
            implementing_agency  VARCHAR,
            planned_end          DATE,
            contract_date        DATE,
            contract_amount      {MONEY},
            allocated_amount     {MONEY} NOT NULL,
            reallocated_in       {MONEY} NOT NULL,
            reallocated_out      {MONEY} NOT NULL,
            current_allocation   {MONEY} NOT NULL,
            committed            {MONEY} NOT NULL,
            disbursed            {MONEY} NOT NULL,
            remaining            {MONEY} NOT NULL,
            uncommitted          {MONEY} NOT NULL,
            disbursed_carryover  {MONEY} NOT NULL,
            last_payment_date    DATE,
            pct_disbursed        DOUBLE,            -- percent 0-100
            target_pct           DOUBLE,            -- percent 0-100 for the project's budget type
            gap_points           DOUBLE,            -- pct_disbursed - target_pct
            flag_codes           VARCHAR NOT NULL,  -- comma-separated lagging flag codes, '' = none
            reasons_th           VARCHAR NOT NULL,
            reasons_en           VARCHAR NOT NULL,
            money_at_risk        {MONEY} NOT NULL,
            carryover_amount     {MONEY},
            carryover_paid       {MONEY},
            carryover_deadline   DATE,
            carryover_at_risk    BOOLEAN,
            assets_total         INTEGER NOT NULL,
            assets_transferred   INTEGER NOT NULL,
            assets_pending       INTEGER NOT NULL,
            assets_overdue       INTEGER NOT NULL,
            assets_value_pending {MONEY} NOT NULL,
            PRIMARY KEY (snapshot_id, project_code)
        )""",
    # --- follow-up responses frozen with a snapshot: the application store's latest response
    #     of each project at the moment the snapshot was taken (etl/snapshot.py)
    "snapshot_responses": f"""
        CREATE TABLE IF NOT EXISTS snapshot_responses (
            snapshot_id            INTEGER NOT NULL,
            fiscal_year            INTEGER NOT NULL,
            project_code           VARCHAR NOT NULL,
            cause_code             VARCHAR NOT NULL,  -- data/reference/followup_causes.csv
            action_taken           VARCHAR,
            expected_payment_date  DATE,
            expected_amount        {MONEY},           -- baht
            note                   VARCHAR,
            version                INTEGER NOT NULL,  -- saves of the response so far
            updated_at             TIMESTAMP NOT NULL, -- UTC: when the frozen version was saved
            updated_by             VARCHAR NOT NULL,
            created_at             TIMESTAMP NOT NULL, -- UTC
            created_by             VARCHAR NOT NULL,
            frozen_at              TIMESTAMP NOT NULL, -- UTC: when the snapshot read the store
            PRIMARY KEY (snapshot_id, project_code)
        )""",
}

# Secondary indexes. DuckDB answers grouped sums by scanning, so only small lookup tables get one.
INDEXES = [
    "CREATE INDEX IF NOT EXISTS idx_projects_owner ON projects(owner)",
]

# version -> statements that upgrade a file from (version - 1) to version.
MIGRATIONS: dict[int, list[str]] = {
    # v2: reporting settings from data/reference/reporting.toml (which target line is the headline)
    2: [TABLES["report_settings"]],
    # v3: follow-up responses frozen with each weekly snapshot
    3: [TABLES["snapshot_responses"]],
    # v4: state rules on the stored state (etl/state.py): held rows, where each row came from,
    #     what a load moved between a table and its held rows, and rejects that no longer hold
    4: [
        *(
            f"ALTER TABLE {table} ADD COLUMN IF NOT EXISTS source_row INTEGER"
            for table in ("disbursements", "carryovers", "reallocations", "asset_transfers")
        ),
        "ALTER TABLE loads ADD COLUMN IF NOT EXISTS rows_released INTEGER DEFAULT 0",
        "ALTER TABLE loads ADD COLUMN IF NOT EXISTS rows_withdrawn INTEGER DEFAULT 0",
        "ALTER TABLE rejects ADD COLUMN IF NOT EXISTS kind VARCHAR",
        "ALTER TABLE rejects ADD COLUMN IF NOT EXISTS record_key VARCHAR",
        "ALTER TABLE rejects ADD COLUMN IF NOT EXISTS resolved_by_load_id INTEGER",
        *(TABLES[f"held_{table}"] for table in ("disbursements", "carryovers", "reallocations", "asset_transfers")),
    ],
}

RECORD_KINDS = ("projects", "disbursements", "carryovers", "reallocations", "asset_transfers")
