"""A trivial Prefect flow run the way `ahual` runs its flows (same settings, a nested subflow
like ingest -> build-marts): the fixed cost of a process that runs a flow, with no work."""

from __future__ import annotations


def main() -> int:
    from flows.cli import _quiet_prefect

    _quiet_prefect(verbose=False)
    from prefect import flow

    @flow(name="bench-trivial-build")
    def inner() -> int:
        return 0

    @flow(name="bench-trivial")
    def outer() -> int:
        return inner()

    return outer()


if __name__ == "__main__":
    raise SystemExit(main())
