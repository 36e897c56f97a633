"""The build: documents in, a published graph out (``kg build``, ``kg stats``).

- ``pipeline``: ``build()`` and ``refresh_statistics()``, the stages in order.
- ``folder``: the output folder's layout (``OutputFolder``): the ``.kg/`` state, the
  ``store`` link, generations, the graph files and the build marker.
- ``cache``: each document's named graph kept by content hash.
- ``outputs``: ``graph.ttl``, ``graph.trig`` and ``graph.html`` written from the cache.
- ``generations``: the store of each build, written beside the live one and swapped in.
- ``compaction``: the store compacted in a process of its own once a build has returned.

Nothing here is imported by the graph readers (query, viz, export, serve, push,
validate): they open what a build published through ``kg.graph``.
"""
