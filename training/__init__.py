"""How the shipped stance models are fitted (run each script as ``python -m training.NAME``
from the repository's root). Nothing here is imported by ``kg`` at run time."""
