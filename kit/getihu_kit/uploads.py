"""File uploads: the request body spooled to a temporary file (memory up to a few MiB, disk past
that), never held whole in memory, then handed to a job store as an iterator of blocks."""
from __future__ import annotations

import contextlib
import tempfile
from collections.abc import AsyncIterator, Iterator

from starlette.requests import Request

IN_MEMORY = 4 << 20  # bytes kept in memory before the spool moves to disk
BLOCK = 1 << 20


@contextlib.asynccontextmanager
async def spooled_body(request: Request, *, in_memory: int = IN_MEMORY) -> AsyncIterator[Iterator[bytes]]:
    """`async with spooled_body(request) as body:` — `body` yields the upload in 1 MiB blocks.

    The whole body is read before the caller's work starts, so a client that stops mid-upload never
    leaves a half-stored job; the spool is removed when the block ends."""
    spool = tempfile.SpooledTemporaryFile(max_size=in_memory)
    try:
        async for piece in request.stream():
            spool.write(piece)
        spool.seek(0)

        def blocks() -> Iterator[bytes]:
            while block := spool.read(BLOCK):
                yield block
        yield blocks()
    finally:
        spool.close()
