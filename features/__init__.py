"""Records to vectors: the records and their vocabularies, the shipped taxonomy and postcodes,
text understanding (occupation linking, skill normalisation, embeddings) and pair features.

The bottom layer: it imports nothing from ``models``, ``matching`` or ``service``.
"""
