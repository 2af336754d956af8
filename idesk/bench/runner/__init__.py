"""The benchmark behind `make bench` (issue 8), on a dataset made by `generate_scale_data`.

What it measures, each over repeated runs (median and p95):
- the main pages through Django's test client as users picked from the dataset (a commune clerk, a department
  head, the Chủ tịch = a district leader, the busiest handler): server time and SQL query count, and the query
  count at 10 and at 50 rows a page (it must not grow);
- a **floor** for each list page: the same rows by one hand-written SQL query through the same connection and a
  bare template of them (a plain table, no layout); the page is judged against it (page/floor ratio);
- the accent-insensitive search over every incoming document, with its ranking of exact diacritics first;
- the one search (/documents/find/: incoming, issued, drafts, meetings) as each persona, for a number, a subject's
  words with and without diacritics and a signer's name;
- one day's compliance computation; gapless numbering from 8 threads; the official PDF of a letter and a
  1,000-entry register PDF; the peak memory (VmHWM) of a web process and of a worker, each in a subprocess.

Targets are goals, not tests: the results say pass or miss. Pages are rendered with DEBUG off (the production
template engine, no query log), whatever the environment says.

Run it on a scratch database: it stores compliance days, writes read receipts as the personas, and registers
documents in a unit of its own (`bench-numbering`, with its clerk), deleting them after counting them.
"""

from idesk.bench.runner.compliance import (  # noqa: F401
    ensure_month_computed,
    last_working_day,
    measure_compliance,
    previous_month,
)
from idesk.bench.runner.find import (  # noqa: F401
    find_queries,
    measure_find,
)
from idesk.bench.runner.floors import (  # noqa: F401
    COMPLIANCE_TABLE,
    DIRECTORY_TABLE,
    INCOMING_COLUMNS,
    INCOMING_FROM,
    INCOMING_ORDER,
    INCOMING_TABLE,
    OUTGOING_TABLE,
    Floor,
    compliance_floor,
    directory_floor,
    inbox_floor,
    outgoing_floor,
    register_floor,
    search_floor,
)
from idesk.bench.runner.memory import (  # noqa: F401
    measure_memory,
    probe_web,
    probe_worker,
    run_probe,
    vm_hwm_mb,
)
from idesk.bench.runner.numbering import (  # noqa: F401
    NUMBERING_CLERK,
    NUMBERING_UNIT,
    measure_numbering,
    numbering_clerk,
)
from idesk.bench.runner.options import (  # noqa: F401
    FIND_SEARCHES,
    LETTER_BODY,
    RANKED_SEARCH,
    SEARCHES,
    SECTIONS,
    TARGETS,
    Options,
    summarize,
    timings,
)
from idesk.bench.runner.pages import (  # noqa: F401
    Page,
    measure_pages,
    pages,
)
from idesk.bench.runner.pdfs import (  # noqa: F401
    measure_pdfs,
    register_book,
)
from idesk.bench.runner.personas import (  # noqa: F401
    Personas,
    pick_personas,
)
from idesk.bench.runner.report import (  # noqa: F401
    MARK_END,
    MARK_START,
    markdown,
    write_markdown,
)
from idesk.bench.runner.runs import (  # noqa: F401
    Results,
    dataset,
    machine,
    run,
    to_json,
)
from idesk.bench.runner.search import (  # noqa: F401
    measure_search,
    search_everything,
)
