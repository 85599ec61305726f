"""File uploads: the request body spooled to a temporary file (memory up to a few MiB, disk past
that), never held whole in memory, then handed to a job store as an iterator of blocks."""
from __future__ import annotations

import contextlib
import tempfile
from collections.abc import AsyncIterable, AsyncIterator, Callable, Iterator
from typing import BinaryIO

from starlette.datastructures import UploadFile
from starlette.requests import Request

IN_MEMORY = 4 << 20  # bytes kept in memory before the spool moves to disk
BLOCK = 1 << 20
# request.state attribute: the body already spooled by a middleware (kit.idempotency), read once
SPOOLED = "spooled_body"
# The OpenAPI of a route whose body is a tabular file (kit.tabular reads CSV, XLSX and JSON Lines):
# `openapi_extra=uploads.TABULAR_BODY`, so a client sends the file as it is.
TABULAR_BODY = {"requestBody": {"required": True, "content": {
    "text/csv": {"schema": {"type": "string", "minLength": 1}},
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet":
        {"schema": {"type": "string", "format": "binary", "minLength": 1}},
    "application/x-ndjson": {"schema": {"type": "string", "minLength": 1}}}}}


async def spool(chunks: AsyncIterable[bytes], *, in_memory: int = IN_MEMORY,
                each: Callable[[bytes], None] | None = None) -> BinaryIO:
    """The chunks written to a spool, rewound; `each` sees every chunk on the way (e.g. a hash).
    Writes to disk run off the event loop (UploadFile does that once the spool has rolled over)."""
    file = tempfile.SpooledTemporaryFile(max_size=in_memory)
    out = UploadFile(file)
    try:
        async for piece in chunks:
            if each is not None:
                each(piece)
            await out.write(piece)
        await out.seek(0)
    except BaseException:
        file.close()
        raise
    return file


def blocks(file: BinaryIO) -> Iterator[bytes]:
    while block := file.read(BLOCK):
        yield block


@contextlib.asynccontextmanager
async def spooled_body(request: Request, *, in_memory: int = IN_MEMORY) -> AsyncIterator[Iterator[bytes]]:
    """`async with spooled_body(request) as body:` — `body` yields the upload in 1 MiB blocks.

    The whole body is read before the caller's work starts, so a client that stops mid-upload never
    leaves a half-stored job; the spool is removed when the block ends."""
    ready = getattr(request.state, SPOOLED, None)
    if ready is not None:
        # The Idempotency-Key middleware spooled (and hashed) this body already: read its spool rather
        # than copying the upload a second time; the middleware removes it.
        ready.seek(0)
        yield blocks(ready)
        return
    file = await spool(request.stream(), in_memory=in_memory)
    try:
        yield blocks(file)
    finally:
        file.close()
