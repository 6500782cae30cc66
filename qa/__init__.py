"""ask-the-article: questions over news articles, answered with exact citations.

The pipeline, one module a step:
    documents (load) -> chunking (sentences, chunks) -> ingest (embed, write) -> index (Chroma +
    BM25 + catalog) -> retrieval (hybrid, sentence-level) -> answering (extract or abstain) ->
    citations (exact spans). `pipeline.Assistant` runs it end to end:

    >>> from qa import Assistant
    >>> bot = Assistant.open(corpus="corpus")
    >>> answer = bot.ask("Which countries rejected troops?")
    >>> print(answer.text); print(answer.citations[0].quote)
"""

from .answering import Answer
from .citations import Citation
from .documents import Document
from .pipeline import Assistant, QuestionError

__all__ = ["Answer", "Assistant", "Citation", "Document", "QuestionError"]
