"""Where a streamed run's chunks compute: in this process, on a local dask cluster, or on a running dask
scheduler (:func:`pnisim.scenario.stream.stream_scenario` takes the client)."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator

from ..errors import SpecError

__all__ = ["dask_client"]


@contextlib.contextmanager
def dask_client(*, workers: int = 0, scheduler: str = "") -> Iterator[object | None]:
    """Yield a ``dask.distributed.Client`` on a new local cluster of ``workers`` single-threaded processes, or on
    the running scheduler at the address ``scheduler``; None (chunks run in this process) when neither is given.
    The client, and a cluster started here, are closed on exit. An unreachable scheduler is a ``SpecError``
    (its message names the CLI's ``--scheduler``)."""
    if not (workers or scheduler):
        yield None
        return
    from dask.distributed import Client, LocalCluster

    cluster = None
    if scheduler:
        try:
            client = Client(scheduler, timeout="20s")
        except OSError as exc:
            raise SpecError(f"The '--scheduler' {scheduler!r} could not be reached ({exc}). Give the address "
                            f"of a running dask scheduler. Got {scheduler!r} instead.") from None
    else:
        cluster = LocalCluster(n_workers=workers, threads_per_worker=1, processes=True, dashboard_address=None)
        client = Client(cluster)
    try:
        yield client
    finally:
        client.close()
        if cluster is not None:
            cluster.close()
