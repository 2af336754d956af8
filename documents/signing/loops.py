"""pyHanko's synchronous calls run their coroutines with asyncio.run(), which refuses a thread whose event loop is
already running (Playwright's sync API in the end-to-end tests, an async view): such calls go to a worker thread."""

import asyncio
from concurrent.futures import ThreadPoolExecutor


def outside_running_loop(fn, /, *args, **kwargs):
    try:
        asyncio.get_running_loop()
    except RuntimeError:  # no loop running here: the common case, call directly
        return fn(*args, **kwargs)
    with ThreadPoolExecutor(max_workers=1, thread_name_prefix="pyhanko") as pool:
        return pool.submit(fn, *args, **kwargs).result()
