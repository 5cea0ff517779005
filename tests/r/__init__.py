"""R's survey package as the oracle of marts.study_estimates: the R scripts beside this file and
the Python that runs and compares them (tests/r/oracle.py)."""
