"""hydro's version: one place, read by the package, its reports and its build."""

__version__ = "0.1.0"
