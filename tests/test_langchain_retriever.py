"""The LangChain BaseRetriever over the hybrid retriever: real model, real Chroma on disk."""

from __future__ import annotations

from pathlib import Path

import pytest
from langchain_core.retrievers import BaseRetriever
from langchain_core.runnables import RunnableLambda
from pydantic import ValidationError

from qa import Assistant, QuestionError
from qa.langchain_retriever import ArticleRetriever

HARBOUR = (
    "Harbour town opens new ferry line\n"
    "The town of Kelby opened a ferry line to the island of Marrow on Monday.\n"
    "The ferry makes four crossings a day and each crossing takes forty minutes.\n"
    "Harbour master Ines Folau said tickets cost twelve euros.\n"
)
ORCHARD = (
    "Apple harvest falls after dry summer\n"
    "Orchards in the Vell valley picked a third fewer apples than last year.\n"
    "Growers blamed the dry summer and a late frost in April.\n"
)


@pytest.fixture(scope="module")
def bot(tmp_path_factory: pytest.TempPathFactory) -> Assistant:
    base = tmp_path_factory.mktemp("lcretriever")
    corpus = base / "corpus"
    corpus.mkdir()
    (corpus / "harbour.txt").write_text(HARBOUR, encoding="utf-8")
    (corpus / "orchard.txt").write_text(ORCHARD, encoding="utf-8")
    return Assistant.open(index_dir=base / "index", corpus=corpus)


def test_it_is_a_langchain_retriever(bot: Assistant) -> None:
    assert isinstance(ArticleRetriever.from_assistant(bot), BaseRetriever)


def test_invoke_returns_the_answering_sentence_first_with_its_exact_span(bot: Assistant) -> None:
    docs = ArticleRetriever.from_assistant(bot, top_k=3).invoke("How long does the ferry crossing take?")
    best = docs[0]
    text = (bot.corpus / best.metadata["doc_id"]).read_text(encoding="utf-8")
    assert best.metadata["doc_id"] == "harbour.txt"
    assert "forty minutes" in best.page_content
    assert text[best.metadata["start"] : best.metadata["end"]] == best.page_content


def test_metadata_carries_doc_id_start_end_and_scores_best_first(bot: Assistant) -> None:
    docs = ArticleRetriever.from_assistant(bot, top_k=4).invoke("Why did the apple harvest fall?")
    assert len(docs) == 4
    assert {"doc_id", "start", "end", "score", "title", "source"} <= set(docs[0].metadata)
    scores = [d.metadata["score"] for d in docs]
    assert scores == sorted(scores, reverse=True)


def test_top_k_limits_the_results(bot: Assistant) -> None:
    assert len(ArticleRetriever.from_assistant(bot, top_k=1).invoke("ferry tickets")) == 1


def test_it_composes_in_a_chain_and_batches(bot: Assistant) -> None:
    chain = ArticleRetriever.from_assistant(bot, top_k=2) | RunnableLambda(
        lambda docs: [d.metadata["doc_id"] for d in docs]
    )
    results = chain.batch(["Who is the harbour master?", "What did growers blame?"])
    assert results[0][0] == "harbour.txt" and results[1][0] == "orchard.txt"


def test_top_k_below_one_is_rejected_when_built(bot: Assistant) -> None:
    with pytest.raises(ValidationError):
        ArticleRetriever.from_assistant(bot, top_k=0)


def test_an_empty_query_is_a_question_error(bot: Assistant) -> None:
    with pytest.raises(QuestionError):
        ArticleRetriever.from_assistant(bot).invoke("   ")
