"""sgkg: a knowledge graph of children's safeguarding in England.

Documents in, linked data out: see README.md for the commands and ONTOLOGY.md
(in ``../shared``) for the graph contract that every build keeps.
"""

__version__ = "0.1.0"
