"""The book's own tooling: one module per stage of the pipeline.

    chapters   parse a chapter (MyST or reStructuredText) into prose and listings
    listings   check each listing's :lines: range; re-anchor ranges (relink)
    parity     zh and en: same pages, same programs, same listings
    notebooks  chapter -> notebook cells; execute; freshness
    scripts    run every script under code/
    offline    run a command with the network cut off
    cli        the only layer that prints and exits
"""
