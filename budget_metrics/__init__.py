"""Read side: the single home of every number the dashboard and the exports show.

Pages and exports call these functions; they never write SQL of their own, so the
dashboard, the Excel workbook and the PDF cannot disagree. Money comes back in baht
(Decimal in scalar results, float columns in DataFrames meant for display/charts);
percentages are 0-100.
"""

from budget_metrics.connection import (
    NoDataError,
    data_version,
    has_data,
    pinned_read,
    read_only,
)
from budget_metrics.filters import Filters

__all__ = ["Filters", "NoDataError", "data_version", "has_data", "pinned_read", "read_only"]
