"""The hybrid sentence retriever as a LangChain `BaseRetriever`, to plug into LangChain chains.

Each result is a `langchain_core.documents.Document` whose `page_content` is one sentence, exactly
`Document.text[start:end]` of the article, and whose metadata says where it is and how it scored:
`doc_id`, `start`, `end`, `score`, `title`, `source`. Furniture is never returned (see
`qa.retrieval`).

    >>> from qa import Assistant
    >>> retriever = ArticleRetriever.from_assistant(Assistant.open(corpus="corpus"), top_k=4)
    >>> docs = retriever.invoke("Which countries rejected troops?")
    >>> docs[0].metadata["doc_id"], docs[0].metadata["start"], docs[0].page_content
    ('france-troops-ukraine.txt', 1024, 'In response to ...')
    >>> chain = retriever | (lambda docs: "\\n".join(d.page_content for d in docs))
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from langchain_core.callbacks import CallbackManagerForRetrieverRun
from langchain_core.documents import Document as LCDocument
from langchain_core.retrievers import BaseRetriever
from pydantic import Field

from .retrieval import Retriever

if TYPE_CHECKING:
    from .pipeline import Assistant


class ArticleRetriever(BaseRetriever):
    """`invoke(query) -> list[Document]`: the `top_k` best sentences, best first."""

    retriever: Retriever
    top_k: int = Field(default=8, ge=1, le=200)

    @classmethod
    def from_assistant(cls, assistant: "Assistant", top_k: int = 8, **kwargs: Any) -> "ArticleRetriever":
        """The retriever over an Assistant's index."""
        return cls(retriever=assistant.retriever, top_k=top_k, **kwargs)

    def _get_relevant_documents(
        self, query: str, *, run_manager: CallbackManagerForRetrieverRun
    ) -> list[LCDocument]:
        from .pipeline import clean_question

        passages = self.retriever.run(clean_question(query), top_k=self.top_k)
        entries = self.retriever.index.view().entries
        documents = []
        for p in passages:
            entry = entries.get(p.doc_id)
            if entry is None:  # removed by an ingest since the search
                continue
            doc = entry.doc
            documents.append(
                LCDocument(
                    page_content=p.text,
                    metadata={
                        "doc_id": p.doc_id,
                        "start": p.sentence.start,
                        "end": p.sentence.end,
                        "score": round(float(p.score), 6),
                        "title": doc.title,
                        "source": doc.source,
                    },
                )
            )
        return documents
