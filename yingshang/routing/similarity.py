"""The similarity index belongs to the appeals app (`yingshang.appeals.similarity`); its names are repeated
here for the readers of this app (hotspots, the index generator, the benchmark)."""

from yingshang.appeals.similarity import (
    BANDS,
    DUPLICATE_THRESHOLD,
    NUM_PERM,
    Match,
    band_key_matrix,
    band_keys,
    estimated_jaccard,
    index_new_text,
    index_text,
    jaccard,
    near_duplicates,
    shingles,
    signature,
    signature_bytes,
    signature_from_bytes,
    similar_recent,
    unindex,
)

__all__ = [
    "BANDS",
    "DUPLICATE_THRESHOLD",
    "NUM_PERM",
    "Match",
    "band_key_matrix",
    "band_keys",
    "estimated_jaccard",
    "index_new_text",
    "index_text",
    "jaccard",
    "near_duplicates",
    "shingles",
    "signature",
    "signature_bytes",
    "signature_from_bytes",
    "similar_recent",
    "unindex",
]
