"""The ``publish`` asset: the checked build swapped in for BI readers."""
