"""The toolbox a kind's parser reads a file with: bytes to tables, whatever the encoding and
format (readers), tables to typed, checked columns (tabular), labels to codes (vocabulary, with
the analyst's alias overlay). It knows no kind and no gate: both use it."""

# The vocabularies (flows/reading/vocabulary.py): what a label in an input can name. Here, apart
# from the vocabularies themselves, so that code naming them does not import pandas.
KINDS = ("region", "confession", "indicator", "agency")
