"""Output writers: NetCDF, tidy CSV, JSON, and atomic output directories."""

from .outdir import check_output_dir as check_output_dir, staged_output_dir as staged_output_dir
from .writers import (
    atomic_path as atomic_path,
    jsonable as jsonable,
    write_json as write_json,
    write_netcdf as write_netcdf,
    write_tidy_csv as write_tidy_csv,
)

__all__ = [
    "atomic_path", "check_output_dir", "jsonable", "staged_output_dir", "write_json", "write_netcdf",
    "write_tidy_csv",
]
