"""The official SemEval-2023 Task 3 side: its data layout and formats (``data``), official
prediction files (``predict``) and scoring with the organisers' scorers (``evaluate``).

Imports the core and ``models`` (to predict); never training, corpus, cli or server.
"""
